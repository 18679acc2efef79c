import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import Outcomes from './Outcomes.svelte';
import type { Outcomes as Figures } from '../bindings/Outcomes';
import type { Mean } from '../bindings/Mean';
import type { Insight } from '../bindings/Insight';
import type { Rate } from '../bindings/Rate';
import type { Predictors } from '../bindings/Predictors';
import type { StepTimeline } from '../bindings/StepTimeline';

afterEach(() => {
  cleanup();
  clearMocks();
});

// Shares and means as the core sends them: with their 95 % interval, or none below 5.
const r = (hits: number, n: number, value: number | null, low: number | null = null, high: number | null = null): Rate => ({ hits, n, value, low, high });
const m = (n: number, value: number | null, low: number | null = null, high: number | null = null): Mean => ({ n, value, sd: null, low, high });

const figures = (arcs: number, mean_change: Mean, response_rate: Rate | null): Figures => ({
  measure: 'phq9', measure_name: 'PHQ-9', arcs, baseline_only: 1, mean_baseline: m(arcs, 12.8, 9.9, 15.6), mean_latest: m(arcs, 7, 4.7, 9.3),
  mean_change, response_rate, remission_rate: r(3, 12, 0.25, 0.089, 0.532), improved_rate: r(9, 12, 0.75, 0.468, 0.911), worsened_rate: r(0, 12, 0, 0, 0.242),
});

const shown: Omit<Insight, 'predictors' | 'timelines'> = {
  overall: figures(12, m(12, -5.8, -9.1, -2.4), r(9, 12, 0.75, 0.468, 0.911)),
  groups: [
    { label: 'somatic', outcomes: figures(9, m(9, -3.7, -7, -0.4), r(6, 9, 0.667, 0.354, 0.879)) },
    { label: 'ifs', outcomes: { ...figures(3, m(3, null), r(2, 3, null)), remission_rate: r(1, 3, null), improved_rate: r(2, 3, null), worsened_rate: null } },
  ],
  engagement: {
    checkins: 10, completed: 2, completed_on_time: 1, skipped: 6, overdue: 2, completion_rate: r(2, 10, 0.2, 0.057, 0.51),
    on_time_rate: r(1, 10, 0.1, 0.018, 0.404), median_days_from_due: 1, arcs_dosed: 2, arcs_completed: 1, median_days_to_completion: 59.8,
  },
  approaches: ['ifs', 'somatic'],
};

const predictors: Predictors = {
  measure: 'phq9', measure_name: 'PHQ-9', lower_is_better: true, change: m(12, -5.8, -9.1, -2.4), arcs: [],
  predictors: [
    { key: 'meq30', label: 'MEQ-30 total', kind: 'number', n: 10, n_rest: null, effect: -0.884, low: -0.973, high: -0.557, clear: true,
      reading: 'arcs with a higher MEQ-30 total improved more' },
    { key: 'approach:somatic', label: 'approach: somatic', kind: 'group', n: 5, n_rest: 5, effect: -8.4, low: -11.8, high: -5, clear: true,
      reading: 'improved more than the rest, by 8.4 points' },
    { key: 'ebi', label: 'EBI total', kind: 'number', n: 0, n_rest: null, effect: null, low: null, high: null, clear: false,
      reading: 'too few arcs to say' },
  ],
  caution: "These are associations among this practice's own arcs, not causes.",
};

const timelines: StepTimeline[] = [
  { plan_id: 'p1', plan: 'Standard integration', step: 1, offset: { amount: 24, unit: 'hours' }, label: '24 hours', checkins: 6,
    completed: r(6, 6, 1, 0.61, 1), on_day: r(6, 6, 1, 0.61, 1), skipped: r(0, 6, 0, 0, 0.39), lateness_days: { q1: 0, median: 0, q3: 0.1 }, suggestion: null },
  { plan_id: 'p1', plan: 'Standard integration', step: 2, offset: { amount: 72, unit: 'hours' }, label: '72 hours', checkins: 6,
    completed: r(5, 6, 0.833, 0.436, 0.97), on_day: r(1, 6, 0.167, 0.03, 0.564), skipped: r(1, 6, 0.167, 0.03, 0.564), lateness_days: { q1: 0.7, median: 1, q3: 1.7 },
    suggestion: { offset: { amount: 96, unit: 'hours' }, text: 'your 72-hour check-ins are held on day 4 at the median, 1 day late (half of them between 0.7 and 1.7): move the step to 96 hours, or keep it and expect it' } },
];

const answer: Insight = { ...shown, predictors, timelines };

describe('practice outcomes', () => {
  it('shows the figures the core computed, and asks again with the filters chosen', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'measures_library') return [{ id: 'phq9', name: 'PHQ-9' }, { id: 'who5', name: 'WHO-5' }];
      if (cmd === 'list_plans') return [{ id: 'p1', name: 'Standard integration', is_default: true, baseline_measures: [], steps: [], version: 1 }];
      if (cmd === 'practice_insight') return answer;
      throw new Error(`unexpected ${cmd}`);
    });
    render(Outcomes);
    await screen.findByText(/PHQ-9: 12 arcs/);
    const ranked = within(screen.getByTestId('predictors')).getAllByRole('row').slice(1).map((r) => r.textContent?.replace(/\s+/g, ' ').trim());
    expect(ranked).toEqual([
      '●MEQ-30 totalρ −0.88 (−0.97 to −0.56)10arcs with a higher MEQ-30 total improved more',
      '●approach: somatic−8.4 (−11.8 to −5)5 against 5improved more than the rest, by 8.4 points',
      'EBI totaltoo few to say0too few arcs to say',
    ]);
    expect(screen.getByTestId('predictors-caution').textContent).toContain('not causes');
    expect(calls.filter(([c]) => c === 'practice_insight')).toEqual([['practice_insight', { measure: 'phq9', filter: {}, by: 'approach' }]]);
    expect(screen.getByTestId('mean-change').textContent).toBe('−5.8');
    expect(screen.getByTestId('mean-change-interval').textContent).toBe('−9.1 to −2.4 · 12 arcs');
    expect(screen.getByTestId('completion-rate').textContent).toBe('20 %');
    expect(screen.getByTestId('completion-rate-interval').textContent).toBe('6–51 % · 2 of 10');
    expect(screen.getByTestId('uncertainty-note').textContent).toContain('too few to say');
    const rows = within(screen.getByTestId('outcome-groups')).getAllByRole('row').map((r) => r.textContent?.replace(/\s+/g, ' ').trim());
    expect(rows.slice(1)).toEqual([
      'somatic91−3.7 (−7 to −0.4)67 % (35–88 %)25 % (9–53 %)75 % (47–91 %)0 % (0–24 %)',
      'ifs31too few to say (n = 3)too few to say (2 of 3)too few to say (1 of 3)too few to say (2 of 3)—',
    ]);

    await fireEvent.change(screen.getByTestId('outcome-approach'), { target: { value: 'ifs' } });
    await fireEvent.input(screen.getByTestId('dose-min'), { target: { value: '10' } });
    await fireEvent.input(screen.getByTestId('dose-max'), { target: { value: '25' } });
    await fireEvent.change(screen.getByTestId('outcome-by'), { target: { value: 'dose' } });
    await vi.waitFor(() => expect(calls.filter(([c]) => c === 'practice_insight')).toHaveLength(2));
    expect(calls.filter(([c]) => c === 'practice_insight')[1]?.[1]).toEqual({
      measure: 'phq9', filter: { approach: 'ifs', dose_min_mg: 10, dose_max_mg: 25 }, by: 'dose',
    });
  });

  it('says what is wrong with a dose typed as words, and does not ask', async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === 'measures_library') return [{ id: 'phq9', name: 'PHQ-9' }];
      if (cmd === 'list_plans') return [];
      if (cmd === 'practice_insight') return answer;
      throw new Error(`unexpected ${cmd}`);
    });
    render(Outcomes);
    await screen.findByText(/PHQ-9: 12 arcs/);
    await fireEvent.input(screen.getByTestId('dose-max'), { target: { value: 'a lot' } });
    await fireEvent.submit(screen.getByRole('form', { name: 'Which arcs to count' }));
    expect((await screen.findByRole('alert')).textContent).toContain('The highest dose must be a number');
    expect(calls.filter((c) => c === 'practice_insight')).toHaveLength(1);
  });

  it("shows how each plan step goes and moves a late step when asked", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'measures_library') return [{ id: 'phq9', name: 'PHQ-9' }];
      if (cmd === 'list_plans') return [];
      if (cmd === 'practice_insight') return answer;
      if (cmd === 'move_plan_step') return { id: 'p1', name: 'Standard integration', is_default: true, baseline_measures: [], steps: [], version: 2 };
      throw new Error(`unexpected ${cmd}`);
    });
    render(Outcomes);
    const panel = await screen.findByTestId('timelines');
    const rows = within(panel).getAllByRole('row').slice(1).map((r) => r.textContent?.replace(/\s+/g, ' ').trim());
    expect(rows[1]).toBe('Standard integration72 hours683 %44–97 % · 5 of 617 %3–56 % · 1 of 617 %3–56 % · 1 of 61 day0.7 to 1.7');
    expect(within(panel).getByTestId('step-suggestion').textContent).toContain('held on day 4 at the median');
    await fireEvent.click(within(panel).getByRole('button', { name: 'Move the 72 hours step to 96 hours' }));
    await vi.waitFor(() => expect(calls.find(([c]) => c === 'move_plan_step')).toEqual(['move_plan_step', { planId: 'p1', step: 2, offset: { amount: 96, unit: 'hours' } }]));
    expect((await within(panel).findByRole('status')).textContent).toContain("in the plan's version 2. Check-ins already queued keep their times.");
    expect(calls.filter(([c]) => c === 'practice_insight')).toHaveLength(2);
  });
});
