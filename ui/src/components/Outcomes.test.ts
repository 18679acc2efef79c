import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import Outcomes from './Outcomes.svelte';
import type { Outcomes as Figures } from '../bindings/Outcomes';
import type { PracticeOutcomes } from '../bindings/PracticeOutcomes';

afterEach(() => {
  cleanup();
  clearMocks();
});

const figures = (arcs: number, mean_change: number | null, response_rate: number | null): Figures => ({
  measure: 'phq9', measure_name: 'PHQ-9', arcs, baseline_only: 1, mean_baseline: 14.2, mean_latest: 8.1,
  mean_change, response_rate, remission_rate: 0.25, improved_rate: 0.75, worsened_rate: 0,
});

const answer: PracticeOutcomes = {
  overall: figures(4, -5.75, 0.75),
  groups: [
    { label: 'somatic', outcomes: figures(3, -3.7, 0.667) },
    { label: 'not recorded', outcomes: figures(0, null, null) },
  ],
  engagement: {
    checkins: 10, completed: 2, completed_on_time: 1, skipped: 6, overdue: 2, completion_rate: 0.2, on_time_rate: 0.1,
    median_days_from_due: 1, arcs_dosed: 2, arcs_completed: 1, median_days_to_completion: 59.8,
  },
  approaches: ['ifs', 'somatic'],
};

describe('practice outcomes', () => {
  it('shows the figures the core computed, and asks again with the filters chosen', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'measures_library') return [{ id: 'phq9', name: 'PHQ-9' }, { id: 'who5', name: 'WHO-5' }];
      if (cmd === 'list_plans') return [{ id: 'p1', name: 'Standard integration', is_default: true, baseline_measures: [], steps: [] }];
      if (cmd === 'practice_outcomes') return answer;
      throw new Error(`unexpected ${cmd}`);
    });
    render(Outcomes);
    await screen.findByText(/PHQ-9: 4 arcs/);
    expect(calls.find(([c]) => c === 'practice_outcomes')).toEqual(['practice_outcomes', { measure: 'phq9', filter: {}, by: 'approach' }]);
    expect(screen.getByTestId('mean-change').textContent).toBe('−5.8');
    expect(screen.getByTestId('completion-rate').textContent).toBe('20 %');
    const rows = within(screen.getByTestId('outcome-groups')).getAllByRole('row').map((r) => r.textContent?.replace(/\s+/g, ' ').trim());
    expect(rows.slice(1)).toEqual(['somatic31−3.767 %25 %75 %0 %', 'not recorded01——25 %75 %0 %']);

    await fireEvent.change(screen.getByTestId('outcome-approach'), { target: { value: 'ifs' } });
    await fireEvent.input(screen.getByTestId('dose-min'), { target: { value: '10' } });
    await fireEvent.input(screen.getByTestId('dose-max'), { target: { value: '25' } });
    await fireEvent.change(screen.getByTestId('outcome-by'), { target: { value: 'dose' } });
    await vi.waitFor(() => expect(calls.filter(([c]) => c === 'practice_outcomes')).toHaveLength(2));
    expect(calls.filter(([c]) => c === 'practice_outcomes')[1]?.[1]).toEqual({
      measure: 'phq9', filter: { approach: 'ifs', dose_min_mg: 10, dose_max_mg: 25 }, by: 'dose',
    });
  });

  it('says what is wrong with a dose typed as words, and does not ask', async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === 'measures_library') return [{ id: 'phq9', name: 'PHQ-9' }];
      if (cmd === 'list_plans') return [];
      if (cmd === 'practice_outcomes') return answer;
      throw new Error(`unexpected ${cmd}`);
    });
    render(Outcomes);
    await screen.findByText(/PHQ-9: 4 arcs/);
    await fireEvent.input(screen.getByTestId('dose-max'), { target: { value: 'a lot' } });
    await fireEvent.submit(screen.getByRole('form', { name: 'Which arcs to count' }));
    expect((await screen.findByRole('alert')).textContent).toContain('The highest dose must be a number');
    expect(calls.filter((c) => c === 'practice_outcomes')).toHaveLength(1);
  });
});
