import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import CheckInItem from './CheckInItem.svelte';
import type { CheckIn } from '../bindings/CheckIn';

afterEach(() => {
  cleanup();
  clearMocks();
});

const checkin: CheckIn = {
  id: 'c1',
  arc_id: 'a1',
  participant_id: 'p1',
  participant_name: 'Seren Whitlock',
  series: 1,
  step: 1,
  offset: { amount: 24, unit: 'hours' },
  purpose: 'Immediate processing, safety and sleep',
  prompts: ['How did you sleep last night?'],
  due: { utc: '2026-11-25T14:00:00Z', zone: 'Europe/Berlin', local: '2026-11-25T15:00' },
  status: 'due',
  resolved: null,
  note_id: null,
  skip_reason: null,
};

describe('a check-in on the dashboard', () => {
  it('is completed with the note typed for it, then the list reloads', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return { ...checkin, status: 'completed' };
    });
    const onchange = vi.fn();
    render(CheckInItem, { props: { checkin, onchange } });
    expect(screen.getByText('24 hours')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Complete' }));
    expect(screen.getByText('How did you sleep last night?')).toBeTruthy();
    await fireEvent.input(screen.getByLabelText('Integration note for this check-in'), {
      target: { value: 'Slept well; tender but steady.' },
    });
    await fireEvent.submit(screen.getByRole('button', { name: 'Save and complete' }).closest('form')!);
    await vi.waitFor(() => expect(onchange).toHaveBeenCalledOnce());
    expect(calls).toEqual([['complete_checkin', { id: 'c1', input: { note: 'Slept well; tender but steady.' } }]]);
  });

  it('shows the backend’s words when skipping is refused, and keeps the form open', async () => {
    mockIPC(() => {
      throw { code: 'conflict', message: 'cannot skip this check-in: the arc is closed' };
    });
    const onchange = vi.fn();
    render(CheckInItem, { props: { checkin, onchange } });
    await fireEvent.click(screen.getByRole('button', { name: 'Skip' }));
    await fireEvent.input(screen.getByLabelText('Why skip it?'), { target: { value: 'Asked for space' } });
    await fireEvent.submit(screen.getByRole('button', { name: 'Skip check-in' }).closest('form')!);
    await vi.waitFor(() => expect(screen.getByRole('alert').textContent).toContain('the arc is closed'));
    expect(onchange).not.toHaveBeenCalled();
    expect(screen.getByLabelText('Why skip it?')).toBeTruthy();
  });

  it('shows the outreach draft to copy, and offers the mail app only with an address', async () => {
    mockIPC((cmd) =>
      cmd === 'checkin_outreach'
        ? { to: null, subject: 'Checking in', body: 'Hi Seren,\n\nHow are you?\n', mailto: null }
        : null,
    );
    render(CheckInItem, { props: { checkin, onchange: vi.fn() } });
    await fireEvent.click(screen.getByRole('button', { name: 'Draft message' }));
    await vi.waitFor(() => expect((screen.getByLabelText('Draft message') as HTMLTextAreaElement).value).toContain('Hi Seren'));
    expect(screen.queryByRole('button', { name: 'Open in mail app' })).toBeNull();
    expect(screen.getByText(/no email address on file/)).toBeTruthy();
  });
});
