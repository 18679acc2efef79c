// Editing templates: the field types in the facilitator's words, a key made from a label, changing
// a field's type, and the file sent to the core (which checks everything again on save).
import type { Field } from '../bindings/Field';
import type { Template } from '../bindings/Template';
import type { TemplateFile } from '../bindings/TemplateFile';

export type FieldType = Field['type'];

export const FIELD_TYPES: FieldType[] = [
  'text', 'long_text', 'choice', 'multi_choice', 'scale', 'number', 'datetime', 'yes_no', 'group',
];

const TYPE_LABELS: Record<FieldType, string> = {
  text: 'Short text',
  long_text: 'Long text',
  choice: 'One choice',
  multi_choice: 'Several choices',
  scale: 'Scale',
  number: 'Number with unit',
  datetime: 'Date and time',
  yes_no: 'Yes / no',
  group: 'Repeating entries',
};
export const fieldTypeLabel = (t: FieldType): string => TYPE_LABELS[t];

/** `Support people (names)` → `support_people_names`: what the core accepts as a key. */
export function keyFromLabel(label: string): string {
  const key = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64);
  return key || 'field';
}

/** The same field as another type: label, key, required and help stay; the type's needs start empty. */
export function withType(f: Field, type: FieldType): Field {
  const base = { key: f.key, label: f.label, required: f.required, help: f.help };
  const options = f.type === 'choice' || f.type === 'multi_choice' ? f.options : [];
  switch (type) {
    case 'choice':
    case 'multi_choice':
      return { ...base, type, options, flag: f.type === type ? f.flag : undefined };
    case 'scale':
      return { ...base, type, min: 0, max: 10 };
    case 'number':
      return { ...base, type, unit: '' };
    case 'yes_no':
      return { ...base, type, flag: f.type === 'yes_no' ? f.flag : undefined };
    case 'group':
      return { ...base, type, fields: f.type === 'group' ? f.fields : [{ key: 'at', label: 'Time', type: 'datetime', required: true }] };
    default:
      return { ...base, type };
  }
}

/** Drops what the core would refuse as noise: empty help, empty detail prompts. */
function clean(f: Field): Field {
  const out: Field = { ...f };
  if (!out.help?.trim()) delete out.help;
  if (out.type === 'yes_no' && !out.detail?.trim()) delete out.detail;
  if (out.type === 'group') out.fields = out.fields.map(clean);
  return out;
}

/** The file that saves an edit: version n+1 of the same family. */
export function toFile(t: Template): TemplateFile {
  return { family: t.family || undefined, name: t.name, phase: t.phase, description: t.description, fields: t.fields.map(clean) };
}

/** A new template of the facilitator's own for a phase, to fill in. */
export function blankTemplate(phase: Template['phase']): Template {
  return {
    id: '',
    family: '',
    version: 0,
    name: '',
    phase,
    description: '',
    fields: [{ key: 'notes', label: 'Notes', type: 'long_text', required: false }],
  };
}

/** The list with item `i` moved one place up (-1) or down (1); unchanged at either end. */
export function moved<T>(list: T[], i: number, by: -1 | 1): T[] {
  const j = i + by;
  if (i < 0 || i >= list.length || j < 0 || j >= list.length) return list;
  const out = [...list];
  const [item] = out.splice(i, 1);
  out.splice(j, 0, item as T);
  return out;
}

/** A key the editor made up for a new field (`field_3`, `item_2`): it follows the label until typed. */
export const placeholderKey = (key: string): boolean => /^(field|item)_\d+$/.test(key);
