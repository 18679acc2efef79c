import { describe, expect, it } from 'vitest';
import { chartData, pointNote, suggestedTimepoint, unanswered } from './measures';
import type { Measure } from '../bindings/Measure';
import type { TrajectoryPoint } from '../bindings/TrajectoryPoint';

const gad7 = {
  id: 'gad7', version: 1, name: 'GAD-7', title: '', instructions: '',
  options: [0, 1, 2, 3].map((v) => ({ value: v, label: String(v) })),
  items: [1, 2, 3, 4, 5, 6, 7].map((k) => ({ key: String(k), text: `item ${k}` })),
  scoring: { method: 'sum', factor: 1, min: 0, max: 21 }, missing: { max_missing: 1, note: '' },
  bands: [], critical: [], change: { lower_is_better: true }, loinc: {}, citation: '', licence: '',
} as Measure;

const point = (over: Partial<TrajectoryPoint>): TrajectoryPoint => ({
  response_id: 'r2', at: { utc: '2026-11-01T10:00:00Z', zone: 'UTC', local: '2026-11-01T10:00' }, timepoint: 'follow_up',
  total: 4, band: null, change: -12, response: true, remission: true, improved: true, worsened: false, ...over,
});

describe('measures on screen', () => {
  it('knows when answers are complete enough for a total', () => {
    expect(unanswered(gad7, { 1: 1, 2: 1, 3: 0, 4: 0, 5: 1, 6: 2, 7: 1 })).toEqual({ missing: 0, total: true });
    expect(unanswered(gad7, { 1: 1, 2: 1, 3: 0, 4: 0, 5: 1, 6: 2, 7: null })).toEqual({ missing: 1, total: true });
    expect(unanswered(gad7, { 1: 1, 2: 1, 3: 0, 4: 0, 5: 1 })).toEqual({ missing: 2, total: false });
    expect(unanswered(gad7, {})).toEqual({ missing: 7, total: false });
  });
  it('suggests the time point from the arc', () => {
    expect(suggestedTimepoint('preparation', 'phq9')).toBe('baseline');
    expect(suggestedTimepoint('integration', 'ebi')).toBe('after_administration');
    expect(suggestedTimepoint('integration', 'meq30')).toBe('after_administration');
    expect(suggestedTimepoint('integration', 'phq9')).toBe('follow_up');
    expect(suggestedTimepoint('administration', 'phq9')).toBe('other');
  });
  it('reads a point as change and what it counts as', () => {
    expect(pointNote(point({}), 'r1')).toBe('−12 · response · remission · meaningfully better');
    expect(pointNote(point({}), 'r2')).toBe('baseline');
    expect(pointNote(point({ change: 10.5, response: false, remission: false, improved: false, worsened: true }), 'r1')).toBe('+10.5 · meaningfully worse');
    expect(pointNote(point({ change: 0, response: false, remission: false, improved: false }), 'r1')).toBe('±0');
  });
  it('gives the chart seconds and totals', () => {
    const t = { measure: 'gad7', measure_name: 'GAD-7', min: 0, max: 21, bands: [], baseline: 'r1', points: [point({ total: 12 }), point({ total: null })] };
    expect(chartData(t)).toEqual([[Date.parse('2026-11-01T10:00:00Z') / 1000, Date.parse('2026-11-01T10:00:00Z') / 1000], [12, null]]);
  });
});
