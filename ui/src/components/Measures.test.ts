import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import Measures from './Measures.svelte';
import type { Measure } from '../bindings/Measure';

afterEach(() => {
  cleanup();
  clearMocks();
});

const phq9 = {
  id: 'phq9', version: 1, name: 'PHQ-9', title: 'Patient Health Questionnaire-9 (depression)', instructions: 'Over the last 2 weeks…',
  options: ['Not at all', 'Several days', 'More than half the days', 'Nearly every day'].map((label, value) => ({ value, label })),
  items: Array.from({ length: 9 }, (_, k) => ({ key: String(k + 1), text: k === 8 ? 'Thoughts that you would be better off dead' : `Item ${k + 1}` })),
  scoring: { method: 'sum', factor: 1, min: 0, max: 27 }, missing: { max_missing: 2, note: 'prorated with up to two missing' },
  bands: [{ min: 0, max: 4, label: 'Minimal' }, { min: 5, max: 27, label: 'More' }],
  critical: [{ item: '9', at_least: 1, action: 'ask about safety today' }],
  change: { lower_is_better: true }, loinc: {}, citation: 'Kroenke 2001.', licence: 'Free.',
} as Measure;

const empty = { responses: [], trajectories: [], due: { baseline: [], checkins: [] } };
const zoned = (local: string) => ({ utc: `${local}:00Z`, zone: 'UTC', local });

describe('the outcome measures panel', () => {
  it('offers what the plan asks for, linked to its check-in', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'measures_library') return [phq9];
      if (cmd === 'arc_measures') {
        return { responses: [], trajectories: [], due: { baseline: [], checkins: [{ checkin_id: 'c5', purpose: 'One month on', due: zoned('2026-12-20T10:00'), completed: false, measures: ['phq9'] }] } };
      }
      if (cmd === 'give_measure') return { id: 'r9', measure_name: 'PHQ-9', score: { total: 3, prorated: false, answered: 9, items: 9, band: 'Minimal', note: null, critical: [] } };
      throw new Error(`unexpected ${cmd}`);
    });
    render(Measures, { props: { arcId: 'a1', phase: 'integration', closed: false } });
    const due = await screen.findByTestId('measures-due');
    expect(due.textContent).toContain('One month on');
    await fireEvent.click(due.querySelector('button')!);
    const form = await screen.findByTestId('measure-form');
    expect((screen.getByLabelText('Time point') as HTMLSelectElement).value).toBe('follow_up');
    for (let item = 1; item <= 9; item++) await fireEvent.change(form.querySelector<HTMLInputElement>(`input[name="item-${item}"][value="0"]`)!);
    await fireEvent.submit(form);
    await screen.findByTestId('measure-saved');
    const [, args] = calls.find(([c]) => c === 'give_measure')!;
    expect((args as { input: { checkin_id: string } }).input.checkin_id).toBe('c5');
  });

  it('gives a PHQ-9 item by item, sends the answers, and shows a critical answer at once', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'measures_library') return [phq9];
      if (cmd === 'arc_measures') return empty;
      if (cmd === 'give_measure') {
        return {
          id: 'r1', measure_name: 'PHQ-9', score: {
            total: 12, prorated: true, answered: 7, items: 9, band: 'More', note: null,
            critical: [{ item: '9', text: 'Thoughts…', value: 2, answer: 'More than half the days', action: 'ask about safety today' }],
          },
        };
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(Measures, { props: { arcId: 'a1', phase: 'integration', closed: false } });
    await fireEvent.click(await screen.findByText('PHQ-9'));
    const form = await screen.findByTestId('measure-form');
    expect((screen.getByLabelText('Time point') as HTMLSelectElement).value).toBe('follow_up');
    const radios = (item: number) => form.querySelectorAll<HTMLInputElement>(`input[name="item-${item}"]`);
    for (const item of [1, 2, 3, 4, 5, 6]) await fireEvent.change(radios(item)[1]!);
    await fireEvent.change(radios(9)[2]!);
    expect(form.textContent).toContain('2 unanswered — the total will be prorated');
    await fireEvent.submit(form);
    const saved = await screen.findByTestId('measure-saved');
    expect(saved.textContent).toContain('PHQ-9 saved: 12 — More (prorated)');
    expect(saved.textContent).toContain('Item 9 answered “More than half the days”: ask about safety today');
    const [, args] = calls.find(([c]) => c === 'give_measure')!;
    expect(args).toEqual({ input: { arc_id: 'a1', measure: 'phq9', timepoint: 'follow_up', answers: { 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: null, 8: null, 9: 2 } } });
  });

  it('shows a measure’s subscales and its criterion when saved', async () => {
    mockIPC((cmd) => {
      if (cmd === 'measures_library') return [phq9];
      if (cmd === 'arc_measures') return empty;
      if (cmd === 'give_measure') {
        return {
          id: 'r2', measure_name: 'MEQ-30', score: {
            total: 3.5, prorated: false, answered: 30, items: 30, band: null, note: null, critical: [],
            subscales: [
              { key: 'mystical', name: 'Mystical', mean: 4, percent: 80 },
              { key: 'ineffability', name: 'Ineffability', mean: 3, percent: 60 },
            ],
            criterion: 'Complete mystical experience',
          },
        };
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(Measures, { props: { arcId: 'a1', phase: 'integration', closed: false } });
    await fireEvent.click(await screen.findByText('PHQ-9'));
    const form = await screen.findByTestId('measure-form');
    for (let item = 1; item <= 9; item++) await fireEvent.change(form.querySelector<HTMLInputElement>(`input[name="item-${item}"][value="0"]`)!);
    await fireEvent.submit(form);
    const saved = await screen.findByTestId('measure-saved');
    expect(saved.textContent?.replace(/\s+/g, ' ')).toContain('MEQ-30 saved: 3.5. Mystical 4 (80 %) · Ineffability 3 (60 %) — Complete mystical experience.');
  });

  it('shows each trajectory against its baseline, and offers nothing to give on a closed arc', async () => {
    mockIPC((cmd) => {
      if (cmd === 'measures_library') return [phq9];
      if (cmd === 'arc_measures') {
        return {
          responses: [],
          due: { baseline: ['phq9'], checkins: [] },
          trajectories: [{
            measure: 'phq9', measure_name: 'PHQ-9', min: 0, max: 27, bands: phq9.bands, baseline: 'r1',
            points: [
              { response_id: 'r1', at: zoned('2026-08-01T10:00'), timepoint: 'baseline', total: 16, band: 'More', change: 0, response: false, remission: false, improved: false, worsened: false },
              { response_id: 'r2', at: zoned('2026-11-01T10:00'), timepoint: 'follow_up', total: 4, band: 'Minimal', change: -12, response: true, remission: true, improved: true, worsened: false },
            ],
          }],
        };
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(Measures, { props: { arcId: 'a1', phase: 'completion', closed: true } });
    const t = await screen.findByTestId('trajectory');
    expect(t.textContent).toContain('lower is better');
    const rows = t.querySelectorAll('tbody tr');
    expect(rows[0]!.textContent).toContain('baseline');
    expect(rows[1]!.textContent).toContain('−12 · response · remission · meaningfully better');
    expect(screen.queryByRole('group', { name: 'Give a measure' })).toBeNull();
    expect(screen.queryByTestId('measures-due'), 'a closed arc asks for nothing').toBeNull();
  });
});
