import { describe, expect, it } from 'vitest';
import { clock, earliest, hasReading, instant, latest, moments, partsOf, withEntry, withLine } from './dosing';
import type { Field } from '../bindings/Field';

const dt = (key: string, required = false): Field => ({ key, label: key, required, type: 'datetime' });
const num = (key: string, unit: string): Field => ({ key, label: key, required: false, type: 'number', unit });
const group = (key: string, fields: Field[]): Field => ({ key, label: key, required: false, type: 'group', fields });

// The shape of Arcwell's administration record.
const arcwell: Field[] = [
  dt('session_start', true),
  dt('session_end'),
  group('doses', [{ key: 'substance', label: 'Substance', required: true, type: 'choice', options: ['Psilocybin'] }, num('amount', 'mg'), dt('at', true)]),
  group('vitals', [dt('at', true), num('systolic', 'mmHg'), num('diastolic', 'mmHg'), num('heart_rate', 'bpm'), num('spo2', '%')]),
  group('observations', [dt('at', true), { key: 'text', label: 'Observation', required: true, type: 'long_text' }]),
  group('adverse_events', [dt('at', true), { key: 'description', label: 'What happened', required: true, type: 'long_text' }]),
];
// Colorado's: products instead of doses, no observations group, a notes text.
const colorado: Field[] = [
  dt('session_start'),
  dt('session_end'),
  group('products', [{ key: 'product_id', label: 'Product', required: true, type: 'text' }, num('amount', 'mg'), dt('at')]),
  { key: 'notes', label: 'Notes', required: false, type: 'long_text' },
];

describe('finding the record’s pieces', () => {
  it('finds every piece of Arcwell’s record', () => {
    const p = partsOf(arcwell);
    expect([p.start, p.end, p.doses?.key, p.vitals?.key, p.observations?.key, p.adverse?.key, p.notes]).toEqual([
      'session_start', 'session_end', 'doses', 'vitals', 'observations', 'adverse_events', null,
    ]);
  });

  it('takes Colorado’s products as the doses and sends observations to its notes', () => {
    const p = partsOf(colorado);
    expect([p.doses?.key, p.vitals, p.observations, p.adverse, p.notes]).toEqual(['products', null, null, null, 'notes']);
  });

  it('ignores a field with the right key but the wrong type', () => {
    expect(partsOf([{ key: 'session_start', label: 'Start', required: false, type: 'text' }]).start).toBeNull();
  });
});

describe('the session clock', () => {
  it('shows hours, minutes and seconds', () => {
    expect(clock(0)).toBe('0:00:00');
    expect(clock(7 * 60_000 + 5_000)).toBe('0:07:05');
    expect(clock(5 * 3_600_000 + 42 * 60_000 + 10_999)).toBe('5:42:10');
    expect(clock(-3000)).toBe('0:00:00');
  });

  it('reads saved times only (UTC or with an offset), never a half-typed local one', () => {
    expect(instant('2026-11-20T08:05:00.000Z')?.toISOString()).toBe('2026-11-20T08:05:00.000Z');
    expect(instant('2026-11-20T09:05+01:00')?.toISOString()).toBe('2026-11-20T08:05:00.000Z');
    expect(instant('2026-11-20T09:05')).toBeNull();
    expect(instant(undefined)).toBeNull();
  });

  it('finds the first dose and the last vitals', () => {
    const p = partsOf(arcwell);
    const answers = {
      doses: [{ at: '2026-11-20T10:30:00Z' }, { at: '2026-11-20T08:05:00Z' }],
      vitals: [{ at: '2026-11-20T09:00:00Z' }, { at: '2026-11-20T11:15:00Z' }, { at: 'not yet saved' }],
    };
    expect(earliest(answers, p.doses)?.toISOString()).toBe('2026-11-20T08:05:00.000Z');
    expect(latest(answers, p.vitals)?.toISOString()).toBe('2026-11-20T11:15:00.000Z');
    expect(earliest({}, p.doses)).toBeNull();
    expect(latest(answers, null)).toBeNull();
  });
});

describe('record now', () => {
  it('adds a stamped entry, leaves blanks out and does not change what it was given', () => {
    const p = partsOf(arcwell);
    const before = { vitals: [{ at: '2026-11-20T08:00:00Z', heart_rate: 70 }] };
    const after = withEntry(before, p.vitals!, { systolic: 128, diastolic: 82, heart_rate: 88, spo2: '', note: null }, '2026-11-20T10:42');
    expect(after.vitals).toEqual([
      { at: '2026-11-20T08:00:00Z', heart_rate: 70 },
      { at: '2026-11-20T10:42', systolic: 128, diastolic: 82, heart_rate: 88 },
    ]);
    expect(before.vitals).toHaveLength(1);
  });

  it('keeps a time typed for the entry', () => {
    const p = partsOf(arcwell);
    const after = withEntry({}, p.doses!, { substance: 'Psilocybin', amount: 5, at: '2026-11-20T10:30' }, '2026-11-20T10:42');
    expect(after.doses).toEqual([{ substance: 'Psilocybin', amount: 5, at: '2026-11-20T10:30' }]);
  });

  it('appends a timed line to a notes text', () => {
    const once = withLine({}, 'notes', '  Resting, eyes closed ', '2026-11-20T10:42');
    expect(once.notes).toBe('10:42  Resting, eyes closed');
    expect(withLine(once, 'notes', 'Asked for water', '2026-11-20T11:05').notes).toBe('10:42  Resting, eyes closed\n11:05  Asked for water');
  });

  it('wants at least one reading before vitals are recorded', () => {
    const v = partsOf(arcwell).vitals!;
    expect(hasReading({ note: 'calm' }, v)).toBe(false);
    expect(hasReading({ heart_rate: 72 }, v)).toBe(true);
  });
});

describe('the record as moments', () => {
  it('lists everything recorded, newest first', () => {
    const p = partsOf(arcwell);
    const list = moments(
      {
        doses: [{ substance: 'Psilocybin', amount: 25, at: '2026-11-20T08:05:00Z' }],
        vitals: [{ at: '2026-11-20T09:00:00Z', systolic: 130, diastolic: 85, heart_rate: 92 }],
        observations: [{ at: '2026-11-20T08:40:00Z', text: 'Tearful, then laughing' }],
        adverse_events: [{ at: '2026-11-20T09:30:00Z', description: 'Nausea', severity: 'Mild' }],
      },
      p,
    );
    expect(list.map((m) => [m.kind, m.text])).toEqual([
      ['adverse', 'Mild · Nausea'],
      ['vitals', 'BP 130/85 · 92 bpm'],
      ['observation', 'Tearful, then laughing'],
      ['dose', 'Psilocybin · 25 mg'],
    ]);
  });
});
