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
  prompts: ['How did you sleep last night?'], measures: [], reassessment: false,
  due: { utc: '2026-11-25T14:00:00Z', zone: 'Europe/Berlin', local: '2026-11-25T15:00' },
  status: 'due',
  resolved: null,
  note_id: null,
  skip_reason: null,
};

describe('a check-in on the dashboard', () => {
  it('opens its integration note, saves what is typed, and signs it as the check-in completes', async () => {
    const calls: [string, unknown][] = [];
    const at = { utc: '2026-11-25T09:00:00Z', zone: 'Europe/Berlin', local: '2026-11-25T10:00' };
    const doc = (answers: Record<string, unknown>) => ({
      document: {
        id: 'd1', arc_id: 'a1', template_id: 't5', template_name: 'Integration note', template_version: 1,
        phase: 'integration', session_id: null, checkin_id: 'c1', title: 'Integration note: Immediate processing',
        answers, state: 'draft', created: at, updated: at, signed: null, withdrawn: null,
      },
      template: {
        id: 't5', family: 'arcwell.integration', version: 1, name: 'Integration note', phase: 'integration', description: '',
        fields: [{ key: 'insights', label: 'Insights identified', type: 'long_text', required: false }],
      },
      events: [], current: answers, flags: [], warnings: [],
    });
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'checkin_document') return doc({});
      if (cmd === 'save_draft') return doc((args as { answers: Record<string, unknown> }).answers);
      if (cmd === 'complete_checkin') return { ...checkin, status: 'completed' };
      throw new Error(`unexpected ${cmd}`);
    });
    const onchange = vi.fn();
    render(CheckInItem, { props: { checkin, onchange } });
    expect(screen.getByText('24 hours')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Complete' }));
    await vi.waitFor(() => expect(screen.getByLabelText('Insights identified')).toBeTruthy());
    expect(screen.getByText('How did you sleep last night?')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Sign' }), 'the check-in form signs, not the embedded note').toBeNull();
    await fireEvent.input(screen.getByLabelText('Summary of the contact'), { target: { value: 'Phone call, 20 minutes' } });
    await fireEvent.input(screen.getByLabelText('Insights identified'), { target: { value: 'Slept well; tender but steady.' } });
    await fireEvent.submit(screen.getByRole('button', { name: 'Sign note and complete' }).closest('form')!);
    await vi.waitFor(() => expect(onchange).toHaveBeenCalledOnce());
    const names = calls.map(([c]) => c);
    expect(names[0]).toBe('checkin_document');
    expect(names.at(-1)).toBe('complete_checkin');
    expect(calls.filter(([c]) => c === 'save_draft').at(-1)?.[1]).toEqual({ id: 'd1', answers: { insights: 'Slept well; tender but steady.' } });
    expect(calls.at(-1)?.[1]).toEqual({ id: 'c1', input: { note: 'Phone call, 20 minutes', document_id: 'd1' } });
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
