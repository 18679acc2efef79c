// Dosing-day mode, the pure part: where the record's pieces are in its template, the session clock,
// and what "record now" adds to the answers. The screen (DosingDay.svelte) saves what these return.
import type { Field } from '../bindings/Field';

type Group = Extract<Field, { type: 'group' }>;
type Entry = Record<string, unknown>;
export type Answers = Record<string, unknown>;

/** The pieces of an administration record that dosing-day mode works with; null where a template has none. */
export type Parts = {
  start: string | null;
  end: string | null;
  doses: Group | null;
  vitals: Group | null;
  observations: Group | null;
  adverse: Group | null;
  /** A long text the "record now" lines go to when the template has no observations group. */
  notes: string | null;
};

const group = (fields: Field[], keys: string[]): Group | null => {
  for (const k of keys) {
    const f = fields.find((x) => x.key === k);
    if (f && f.type === 'group') return f;
  }
  return null;
};
const ofType = (fields: Field[], key: string, type: Field['type']): string | null =>
  fields.some((f) => f.key === key && f.type === type) ? key : null;

/** Finds the pieces by key: Arcwell's record, the Oregon and Colorado ones, and copies of them. */
export function partsOf(fields: Field[]): Parts {
  const observations = group(fields, ['observations']);
  return {
    start: ofType(fields, 'session_start', 'datetime'),
    end: ofType(fields, 'session_end', 'datetime'),
    doses: group(fields, ['doses', 'products']),
    vitals: group(fields, ['vitals']),
    observations,
    adverse: group(fields, ['adverse_events']),
    notes: observations ? null : ofType(fields, 'notes', 'long_text'),
  };
}

/** Milliseconds as the clock shows them: `0:07:05`, `5:42:10`. Negative (a start typed in the future) shows as 0. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

/** A stored answer time: UTC with `Z` once saved; typed (local to the document's zone) before. */
export function instant(v: unknown): Date | null {
  if (typeof v !== 'string' || v === '') return null;
  if (!v.endsWith('Z') && !/[+-]\d{2}:\d{2}$/.test(v)) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

const rows = (v: unknown): Entry[] => (Array.isArray(v) ? (v as Entry[]) : []);

/** The earliest time among a group's entries (the first dose), or null. */
export function earliest(answers: Answers, g: Group | null): Date | null {
  if (!g) return null;
  const times = rows(answers[g.key]).map((e) => instant(e.at)).filter((d): d is Date => d !== null);
  return times.length ? new Date(Math.min(...times.map((d) => d.getTime()))) : null;
}

/** The latest time among a group's entries (the last vitals), or null. */
export function latest(answers: Answers, g: Group | null): Date | null {
  if (!g) return null;
  const times = rows(answers[g.key]).map((e) => instant(e.at)).filter((d): d is Date => d !== null);
  return times.length ? new Date(Math.max(...times.map((d) => d.getTime()))) : null;
}

/**
 * The answers with one entry added to a group, stamped `at` (a time the core reads: UTC, or local
 * to the document's zone) unless the entry has its own time. Blank values are left out so the core sees
 * them as unanswered. The answers given are not changed.
 */
export function withEntry(answers: Answers, g: Group, entry: Entry, at: string): Answers {
  const clean: Entry = {};
  for (const [k, v] of Object.entries(entry)) {
    if (v === '' || v === null || v === undefined) continue;
    clean[k] = v;
  }
  if (g.fields.some((f) => f.key === 'at') && clean.at === undefined) clean.at = at;
  return { ...answers, [g.key]: [...rows(answers[g.key]), clean] };
}

/** The answers with a `HH:MM  text` line added to a long text (templates without an observations group); `at` is local. */
export function withLine(answers: Answers, key: string, text: string, at: string): Answers {
  const before = typeof answers[key] === 'string' ? (answers[key] as string) : '';
  const line = `${at.slice(11, 16)}  ${text.trim()}`;
  return { ...answers, [key]: before ? `${before}\n${line}` : line };
}

/** What "record now" may save: something typed, and for vitals at least one reading. */
export function hasReading(entry: Entry, g: Group): boolean {
  return g.fields.some((f) => f.key !== 'at' && f.type === 'number' && typeof entry[f.key] === 'number');
}

export type Moment = { at: Date; kind: 'dose' | 'vitals' | 'observation' | 'adverse'; text: string };

const num = (e: Entry, k: string, unit = '') => (typeof e[k] === 'number' ? `${e[k]}${unit}` : null);

/** Everything recorded with a time, newest first, as one line each. */
export function moments(answers: Answers, parts: Parts): Moment[] {
  const out: Moment[] = [];
  const each = (g: Group | null, kind: Moment['kind'], text: (e: Entry) => string) => {
    if (!g) return;
    for (const e of rows(answers[g.key])) {
      const at = instant(e.at);
      if (at) out.push({ at, kind, text: text(e) });
    }
  };
  each(parts.doses, 'dose', (e) => {
    const unit = parts.doses?.fields.find((f) => f.key === 'amount');
    const u = unit && unit.type === 'number' ? ` ${unit.unit}` : '';
    return [e.substance, num(e, 'amount', u), e.product ?? e.product_id].filter(Boolean).join(' · ');
  });
  each(parts.vitals, 'vitals', (e) => {
    const bp = typeof e.systolic === 'number' && typeof e.diastolic === 'number' ? `BP ${e.systolic}/${e.diastolic}` : null;
    return [bp, num(e, 'heart_rate', ' bpm'), num(e, 'spo2', '% SpO2'), e.note].filter(Boolean).join(' · ');
  });
  each(parts.observations, 'observation', (e) => String(e.text ?? ''));
  each(parts.adverse, 'adverse', (e) => [e.severity, e.kind, e.description].filter(Boolean).join(' · '));
  return out.sort((a, b) => b.at.getTime() - a.at.getTime());
}
