import { describe, expect, it } from 'vitest';
import { blankTemplate, keyFromLabel, moved, placeholderKey, toFile, withType } from './templates';
import type { Field } from '../bindings/Field';

describe('template editing helpers', () => {
  it('makes a key the core accepts from any label', () => {
    expect(keyFromLabel('Support people (names)')).toBe('support_people_names');
    expect(keyFromLabel('Säfety & séttïng')).toBe('safety_setting');
    expect(keyFromLabel('  ***  ')).toBe('field');
    expect(keyFromLabel('x'.repeat(80))).toHaveLength(64);
  });

  it('keeps label, key and required across a type change, and starts the new type empty', () => {
    const f: Field = { key: 'mood', label: 'Mood', type: 'choice', options: ['Low', 'Ok'], required: true, flag: { on: ['Low'], reason: 'Low mood' } };
    const scale = withType(f, 'scale');
    expect(scale).toMatchObject({ key: 'mood', label: 'Mood', required: true, type: 'scale', min: 0, max: 10 });
    expect('flag' in scale && scale.flag).toBeFalsy();
    const multi = withType(f, 'multi_choice');
    expect(multi.type === 'multi_choice' && multi.options).toEqual(['Low', 'Ok']);
    expect(multi.flag, 'a flag on choices does not carry to another type').toBeUndefined();
    const group = withType(f, 'group');
    expect(group.type === 'group' && group.fields[0]?.type).toBe('datetime');
  });

  it('moves a field one place, and not past either end', () => {
    expect(moved(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moved(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moved(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
    expect(moved(['a', 'b'], 1, 1)).toEqual(['a', 'b']);
    expect(placeholderKey('field_3') && placeholderKey('item_12') && !placeholderKey('intentions')).toBe(true);
  });

  it('saves a new version of the same family, and a new template without one', () => {
    const t = { ...blankTemplate('preparation'), id: 'x', family: 'custom.1', version: 2, name: 'Prep' };
    t.fields = [{ key: 'q', label: 'Q', type: 'yes_no', detail: '', help: ' ', required: false }];
    expect(toFile(t)).toEqual({ family: 'custom.1', name: 'Prep', phase: 'preparation', description: '', fields: [{ key: 'q', label: 'Q', type: 'yes_no', required: false }] });
    expect(toFile(blankTemplate('screening')).family).toBeUndefined();
  });
});
