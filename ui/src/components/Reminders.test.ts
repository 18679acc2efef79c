import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import Reminders from './Reminders.svelte';
import type { NotificationEntry } from '../bindings/NotificationEntry';
import type { ReminderSettings } from '../bindings/ReminderSettings';

afterEach(() => {
  cleanup();
  clearMocks();
});

const entry = (read: boolean): NotificationEntry => ({
  id: 'n1',
  created: { utc: '2026-11-25T07:00:00Z', zone: 'Europe/Berlin', local: '2026-11-25T08:00' },
  title: '2 check-ins due',
  body: 'Open Arcwell to see who.',
  os_outcome: 'unavailable',
  read,
  items: [
    {
      checkin_id: 'c1',
      arc_id: 'arc-1',
      participant_id: 'p1',
      participant_name: 'Tamsin Orrell',
      purpose: 'Mood, emerging insights and delayed processing',
      due: { utc: '2026-11-24T21:30:00Z', zone: 'Europe/Berlin', local: '2026-11-24T22:30' },
      late: 'quiet_hours',
      still_due: true,
    },
    {
      checkin_id: 'c2',
      arc_id: 'arc-2',
      participant_id: 'p2',
      participant_name: 'Kester Vail',
      purpose: 'Integration practices and daily life',
      due: { utc: '2026-11-25T06:59:00Z', zone: 'Europe/Berlin', local: '2026-11-25T07:59' },
      late: null,
      still_due: false,
    },
  ],
});

describe('Reminders', () => {
  it('lists what was raised with names, lateness and state, marks read, and saves settings', async () => {
    let read = false;
    let saved: ReminderSettings | null = null;
    const calls: string[] = [];
    mockIPC((cmd, args) => {
      calls.push(cmd);
      if (cmd === 'notifications') return [entry(read)];
      if (cmd === 'reminder_settings') return { quiet_hours: { start: '21:00', end: '08:00' }, show_names: false, keep_in_tray: true };
      if (cmd === 'mark_notifications_read') {
        read = true;
        return 1;
      }
      if (cmd === 'save_reminder_settings') {
        saved = (args as { settings: ReminderSettings }).settings;
        return saved;
      }
      throw new Error(`unexpected ${cmd}`);
    });
    let opened = '';
    let onread = 0;
    render(Reminders, { openArc: (id: string) => (opened = id), onread: () => onread++ });

    await screen.findByText('2 check-ins due');
    const centre = screen.getByTestId('notification-centre');
    expect(centre.textContent).toContain('2 check-ins due');
    expect(centre.textContent).toContain('1 new');
    expect(centre.textContent).toContain('held through quiet hours');
    expect(centre.textContent).toContain('done or moved since');
    expect(centre.textContent).toContain('shown here only');
    await fireEvent.click(screen.getByRole('button', { name: 'Tamsin Orrell' }));
    expect(opened).toBe('arc-1');

    await fireEvent.click(screen.getByRole('button', { name: 'Mark all read' }));
    await screen.findByText('0 new');
    expect(onread).toBe(1);
    expect((screen.getByRole('button', { name: 'Mark all read' }) as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.click(screen.getByLabelText(/Show names in desktop notifications/));
    await fireEvent.click(screen.getByLabelText(/Quiet hours/));
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await screen.findByText('Saved.');
    expect(saved).toEqual({ quiet_hours: null, show_names: true, keep_in_tray: true });
  });
});
