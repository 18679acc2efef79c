import { describe, expect, it } from 'vitest';
import { EMPTY_FILTER, change, chartGroups, rate, toFilter } from './outcomes';
import type { OutcomeGroup } from '../bindings/OutcomeGroup';

const group = (label: string, mean_change: number | null): OutcomeGroup => ({
  label,
  outcomes: {
    measure: 'phq9', measure_name: 'PHQ-9', arcs: mean_change === null ? 0 : 2, baseline_only: 1,
    mean_baseline: null, mean_latest: null, mean_change, response_rate: null, remission_rate: null,
    improved_rate: null, worsened_rate: null,
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
  it('reads rates and changes as a facilitator would', () => {
    expect([rate(0.667), rate(0), rate(null)]).toEqual(['67 %', '0 %', '—']);
    expect([change(-5.75), change(2), change(0), change(null)]).toEqual(['−5.8', '+2', '±0', '—']);
  });
  it('draws only the groups that have a change', () => {
    expect(chartGroups([group('ifs', -6.6), group('not recorded', null), group('somatic', 1)])).toEqual({
      labels: ['ifs', 'somatic'],
      changes: [-6.6, 1],
    });
  });
});
