import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import MilestoneBoard from './MilestoneBoard.svelte';
import type { Milestone } from '../bindings/Milestone';

afterEach(() => {
  cleanup();
  clearMocks();
});

const at = { utc: '2026-11-25T09:00:00Z', zone: 'Europe/Berlin', local: '2026-11-25T10:00' };
const walk: Milestone = {
  id: 'm1', arc_id: 'a1', title: 'Morning walk without the phone', category: 'nature', target_date: '2027-01-15', status: 'in_progress',
  history: [{ from: null, to: 'planned', at, note: null }, { from: 'planned', to: 'in_progress', at, note: 'Started on Monday' }],
};
const call: Milestone = { ...walk, id: 'm2', title: 'Call my sister every Sunday', status: 'planned', history: [{ from: null, to: 'planned', at, note: null }] };

describe('the milestones board', () => {
  it('puts each milestone in its status column, with its history', () => {
    mockIPC(() => null);
    render(MilestoneBoard, { arcId: 'a1', milestones: [walk, call], closed: false, onchange: () => {} });
    const column = (s: string) => document.querySelector(`[data-status="${s}"]`) as HTMLElement;
    expect(within(column('in_progress')).getByText('Morning walk without the phone')).toBeTruthy();
    expect(within(column('planned')).getByText('Call my sister every Sunday')).toBeTruthy();
    expect(within(column('achieved')).queryAllByTestId('milestone')).toHaveLength(0);
    expect(within(column('in_progress')).getByText(/Planned → In progress — Started on Monday/)).toBeTruthy();
  });

  it('moves a card one step with a click, or anywhere with a note', async () => {
    const calls: unknown[] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return walk;
    });
    const onchange = vi.fn();
    render(MilestoneBoard, { arcId: 'a1', milestones: [walk, call], closed: false, onchange });
    await fireEvent.click(screen.getByRole('button', { name: 'Achieved: Morning walk without the phone' }));
    await vi.waitFor(() => expect(onchange).toHaveBeenCalledTimes(1));
    expect(calls.at(-1)).toEqual(['set_milestone_status', { id: 'm1', status: 'achieved', note: null }]);

    await fireEvent.click(screen.getByRole('button', { name: 'Move Call my sister every Sunday with a note' }));
    await fireEvent.change(screen.getByLabelText('Move to'), { target: { value: 'lapsed' } });
    await fireEvent.input(screen.getByLabelText(/Note/), { target: { value: 'Sister abroad until March' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Move' }));
    await vi.waitFor(() => expect(onchange).toHaveBeenCalledTimes(2));
    expect(calls.at(-1)).toEqual(['set_milestone_status', { id: 'm2', status: 'lapsed', note: 'Sister abroad until March' }]);
  });

  it('shows the core’s refusal and offers no moves on a closed arc', async () => {
    mockIPC(() => {
      throw { code: 'conflict', message: 'this arc is closed; its milestones no longer change' };
    });
    const { unmount } = render(MilestoneBoard, { arcId: 'a1', milestones: [walk], closed: false, onchange: () => {} });
    await fireEvent.click(screen.getByRole('button', { name: 'Achieved: Morning walk without the phone' }));
    expect((await screen.findByRole('alert')).textContent).toContain('this arc is closed');
    unmount();
    render(MilestoneBoard, { arcId: 'a1', milestones: [walk], closed: true, onchange: () => {} });
    expect(screen.queryByRole('button', { name: /Achieved/ })).toBeNull();
    expect(screen.queryByLabelText('Add a milestone')).toBeNull();
  });
});
