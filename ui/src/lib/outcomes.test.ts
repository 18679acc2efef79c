import { describe, expect, it } from 'vitest';
import { EMPTY_FILTER, change, changeFigure, chartGroups, meanChange, rate, rateFigure, scatter, scoresFigure, toFilter } from './outcomes';
import type { ArcCovariates } from '../bindings/ArcCovariates';
import type { OutcomeGroup } from '../bindings/OutcomeGroup';
import type { Mean } from '../bindings/Mean';

const mean = (n: number, value: number | null, low: number | null = null, high: number | null = null): Mean => ({ n, value, sd: null, low, high });
const group = (label: string, change: number | null): OutcomeGroup => ({
  label,
  outcomes: {
    measure: 'phq9', measure_name: 'PHQ-9', arcs: change === null ? 3 : 6, baseline_only: 1,
    mean_baseline: mean(0, null), mean_latest: mean(0, null), mean_change: mean(change === null ? 3 : 6, change, -9, 2),
    response_rate: null, remission_rate: null, improved_rate: null, worsened_rate: null,
  },
});

describe('practice outcomes', () => {
  it('sends only the filters filled in, doses as numbers', () => {
    expect(toFilter(EMPTY_FILTER)).toEqual({});
    expect(toFilter({ ...EMPTY_FILTER, substance: ' Psilocybin ', doseMin: '10', doseMax: '25,5', approach: 'IFS', from: '2026-01-01' }))
      .toEqual({ substance: 'Psilocybin', dose_min_mg: 10, dose_max_mg: 25.5, approach: 'IFS', from: '2026-01-01' });
  });
  it('refuses a dose that is not a number, saying which', () => {
    expect(toFilter({ ...EMPTY_FILTER, doseMax: 'lots' })).toEqual({ error: 'The highest dose must be a number of milligrams, 0 or more (got “lots”).' });
    expect(toFilter({ ...EMPTY_FILTER, doseMin: '-3' })).toHaveProperty('error');
  });
  it('reads rates and changes with their intervals, and says when there are too few', () => {
    expect(rate({ hits: 8, n: 12, value: 0.667, low: 0.391, high: 0.862 })).toBe('67 % (39–86 %)');
    expect(rate({ hits: 0, n: 12, value: 0, low: 0, high: 0.242 })).toBe('0 % (0–24 %)');
    expect(rate({ hits: 3, n: 4, value: null, low: null, high: null })).toBe('too few to say (3 of 4)');
    expect(rate(null)).toBe('—');
    expect([change(-5.75), change(2), change(0), change(null)]).toEqual(['−5.8', '+2', '±0', '—']);
    expect(meanChange(mean(12, -5.8, -9.1, -2.4))).toBe('−5.8 (−9.1 to −2.4)');
    expect(meanChange(mean(6, -2.5, -7.7, 2.7))).toBe('−2.5 (−7.7 to +2.7)');
    expect(meanChange(mean(4, null))).toBe('too few to say (n = 4)');
  });
  it('gives each headline figure its interval and count on the line below', () => {
    expect(rateFigure({ hits: 13, n: 18, value: 0.722, low: 0.491, high: 0.875 })).toEqual({ value: '72 %', detail: '49–88 % · 13 of 18' });
    expect(rateFigure({ hits: 2, n: 3, value: null, low: null, high: null })).toEqual({ value: 'too few to say', detail: '2 of 3' });
    expect(rateFigure(null).value).toBe('—');
    expect(changeFigure(mean(18, -7.2, -8.7, -5.7))).toEqual({ value: '−7.2', detail: '−8.7 to −5.7 · 18 arcs' });
    expect(scoresFigure(mean(18, 14.3, 12.8, 15.7), mean(18, 7.1, 4.9, 9.3))).toEqual({ value: '14.3 → 7.1', detail: '12.8–15.7 → 4.9–9.3' });
    expect(scoresFigure(mean(3, null), mean(3, null))).toEqual({ value: 'too few to say', detail: 'n = 3' });
  });
  it('draws only the groups with enough arcs to have a change', () => {
    expect(chartGroups([group('ifs', -6.6), group('not recorded', null), group('somatic', 1)])).toEqual({
      labels: ['ifs', 'somatic'],
      changes: [-6.6, 1],
    });
  });
  it('puts the arcs that have the covariate in x order for the scatter chart', () => {
    const arc = (change: number, meq30: number | null): ArcCovariates => ({
      arc_id: 'a', change, baseline_band: null, substance: null, dose_mg: null, meq30, complete_mystical: null, ebi: null,
      approaches: [], plan: 'Standard', checkins_completed: 2, days_to_first_contact: null, milestones_achieved: 0,
    });
    expect(scatter([arc(-3, 4.2), arc(1, null), arc(-8, 2.5)], 'meq30')).toEqual({ xs: [2.5, 4.2], ys: [-8, -3] });
    expect(scatter([arc(-3, null)], 'checkins_completed')).toEqual({ xs: [2], ys: [-3] });
  });
});
