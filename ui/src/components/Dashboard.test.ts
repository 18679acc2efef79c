import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import Dashboard from './Dashboard.svelte';
import type { Dashboard as Data } from '../bindings/Dashboard';
import type { CheckIn } from '../bindings/CheckIn';
import type { Alert } from '../bindings/Alert';
import { EARLY_WARNINGS } from '../lib/format';
import { FIRST, keepLaunchToday } from '../lib/today';

afterEach(() => {
  cleanup();
  clearMocks();
});

const checkin = (id: string, name: string, local: string): CheckIn => ({
  id,
  arc_id: `arc-${id}`,
  participant_id: `p-${id}`,
  participant_name: name,
  series: 1,
  step: 1,
  offset: { amount: 24, unit: 'hours' },
  purpose: 'Immediate processing, safety and sleep',
  prompts: [], measures: [], reassessment: false,
  due: { utc: '2026-11-25T14:00:00Z', zone: 'Europe/Berlin', local },
  status: 'due',
  resolved: null,
  note_id: null,
  skip_reason: null,
});

/** What the backend answers: each list cut to `first` rows when asked, `totals` counting them all. */
function answer(whole: Omit<Data, 'totals'>, args: unknown): Data {
  const first = (args as { first?: number | null } | undefined)?.first ?? null;
  const cut = <T,>(list: T[]) => (first === null ? list : list.slice(0, first));
  return {
    ...whole,
    due_today: cut(whole.due_today),
    due_this_week: cut(whole.due_this_week),
    overdue: cut(whole.overdue),
    stalled: cut(whole.stalled),
    ready_to_complete: cut(whole.ready_to_complete),
    paused: cut(whole.paused),
    alerts: cut(whole.alerts),
    totals: {
      due_today: whole.due_today.length,
      due_this_week: whole.due_this_week.length,
      overdue: whole.overdue.length,
      stalled: whole.stalled.length,
      ready_to_complete: whole.ready_to_complete.length,
      paused: whole.paused.length,
      alerts: whole.alerts.length,
      warnings: whole.alerts.filter((a) => EARLY_WARNINGS.includes(a.kind)).length,
    },
  };
}

const whole: Omit<Data, 'totals'> = {
  today: '2026-11-25',
  zone: 'Europe/Berlin',
  due_today: [checkin('c1', 'Wren Dunmore', '2026-11-25T15:00')],
  due_this_week: [],
  overdue: [checkin('c2', 'Ines Oyelaran', '2026-11-22T10:00')],
  stalled: [
    {
      arc_id: 'arc-s',
      participant_id: 'p-s',
      participant_name: 'Arlo Larkspur',
      status: 'stalled',
      since: null,
      last_contact: { utc: '2026-10-23T17:00:00Z', zone: 'Europe/Berlin', local: '2026-10-23T19:00' },
      next_due: null,
    },
  ],
  ready_to_complete: [],
  paused: [
    {
      arc_id: 'arc-p',
      participant_id: 'p-p',
      participant_name: 'Tamsin Reyes',
      status: 'paused',
      since: { utc: '2026-11-20T09:00:00Z', zone: 'Europe/Berlin', local: '2026-11-20T10:00' },
      last_contact: null,
      next_due: null,
    },
  ],
  alerts: [
    {
      key: 'stalled:arc-s:2026-10-23T17:00:00.000Z',
      kind: 'stalled',
      severity: 'urgent',
      reason: 'No contact for 32 days while a check-in is past due',
      rule: 'No contact for 14 days while a check-in is past due',
      participant_id: 'p-s',
      participant_name: 'Arlo Larkspur',
      arc_id: 'arc-s',
      checkin_id: null,
      since: { utc: '2026-11-06T17:00:00Z', zone: 'Europe/Berlin', local: '2026-11-06T18:00' },
      snoozed_until: null,
      acknowledged_at: null,
    },
  ],
  arcs_by_phase: [
    { phase: 'inquiry', arcs: 5 },
    { phase: 'preparation', arcs: 6 },
    { phase: 'administration', arcs: 3 },
    { phase: 'integration', arcs: 19 },
    { phase: 'completion', arcs: 14 },
    { phase: 'withdrawn', arcs: 2 },
    { phase: 'referred_out', arcs: 2 },
  ],
  integration: [{ status: 'stalled', arcs: 1 }],
  backup: { last_good: null, last_good_path: null, last_failure: null, stale: true, automatic: false, damaged_page: null },
};
const data: Data = answer(whole, { first: null });

describe('the Today dashboard', () => {
  it('shows each list from the backend and acknowledges an alert, then reloads', async () => {
    const calls: [string, unknown][] = [];
    let acknowledged = false;
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'acknowledge_alert') acknowledged = true;
      return cmd === 'dashboard' ? answer(acknowledged ? { ...whole, alerts: [] } : whole, args) : null;
    });
    const openArc = vi.fn();
    render(Dashboard, { props: { openArc } });
    const today = await screen.findByTestId('due-today');
    expect(within(today).getByText('Wren Dunmore')).toBeTruthy();
    expect(within(screen.getByTestId('overdue')).getByText('Ines Oyelaran')).toBeTruthy();
    await fireEvent.click(within(screen.getByTestId('stalled')).getByText('Arlo Larkspur'));
    expect(openArc).toHaveBeenCalledWith('arc-s');
    const paused = screen.getByTestId('paused');
    expect(within(paused).getByText(/since .*20.*10:00/)).toBeTruthy();
    await fireEvent.click(within(paused).getByText('Tamsin Reyes'));
    expect(openArc).toHaveBeenCalledWith('arc-p');

    const alerts = screen.getByTestId('alerts');
    expect(within(alerts).getByText(/No contact for 32 days/)).toBeTruthy();
    await fireEvent.click(within(alerts).getByRole('button', { name: 'Acknowledge' }));
    await vi.waitFor(() => expect(within(screen.getByTestId('alerts')).getByText('No open alerts.')).toBeTruthy());
    const commands = calls.map(([c]) => c);
    expect(commands.filter((c) => c !== 'startup_mark')).toEqual(['dashboard', 'acknowledge_alert', 'dashboard']);
    // The startup probe hears of the first data, its DOM, its frame and the painted dashboard, in
    // that order and once each: not of the reload.
    expect(calls.filter(([c]) => c === 'startup_mark')).toEqual([
      ['startup_mark', { stage: 'data' }],
      ['startup_mark', { stage: 'rendered' }],
      ['startup_mark', { stage: 'frame' }],
      ['startup_mark', { stage: 'dashboard' }],
    ]);
    expect(calls.find(([c]) => c === 'acknowledge_alert')?.[1]).toEqual({ key: 'stalled:arc-s:2026-10-23T17:00:00.000Z' });
  });

  it('marks an early warning, says its rule and counts the warnings apart', async () => {
    const worse: Alert = {
      key: 'worse:r1',
      kind: 'deterioration',
      severity: 'warning',
      reason: 'PHQ-9 13 on 2026-11-20, 5 points worse than the baseline of 8 on 2026-09-20',
      rule: 'A score worse than baseline by the measure\'s meaningful change: PHQ-9 5 points (Löwe et al. 2004)',
      participant_id: 'p-w',
      participant_name: 'Ilse Varga',
      arc_id: 'arc-w',
      checkin_id: null,
      since: { utc: '2026-11-20T09:00:00Z', zone: 'Europe/Berlin', local: '2026-11-20T10:00' },
      snoozed_until: null,
      acknowledged_at: null,
    };
    mockIPC((cmd, args) => (cmd === 'dashboard' ? answer({ ...whole, alerts: [...whole.alerts, worse] }, args) : null));
    render(Dashboard, { props: { openArc: vi.fn() } });
    const alerts = await screen.findByTestId('alerts');
    expect(within(alerts).getByTestId('warning-count').textContent).toBe('1 early warning');
    const row = alerts.querySelector('[data-kind="deterioration"]') as HTMLElement;
    expect(within(row).getByText('Worse than baseline')).toBeTruthy();
    expect(within(row).getByText(/^Rule: A score worse than baseline/)).toBeTruthy();
    const stalled = alerts.querySelector('[data-kind="stalled"]') as HTMLElement;
    expect(within(stalled).queryByText('Stalled')).toBeNull();
  });

  it('says when the practice needs a backup, and why', async () => {
    const failed = { ...data, backup: { last_good: '2026-11-10T09:00:00Z', last_good_path: '/media/usb/a.arcwell-backup', last_failure: 'the backup folder /media/usb is not there (is the drive plugged in?)', stale: true, automatic: true, damaged_page: null } };
    mockIPC((cmd) => (cmd === 'dashboard' ? failed : null));
    render(Dashboard, { props: { openArc: vi.fn() } });
    const banner = await screen.findByTestId('backup-alert');
    expect(banner.textContent).toContain('The last automatic backup failed: the backup folder /media/usb is not there');
    expect(banner.textContent).toContain('Check the folder under Settings → Backups');
  });

  it('sends a damaged file to Check and repair, not to the backup folder', async () => {
    const damaged = { ...data, backup: { last_good: '2026-11-24T09:00:00Z', last_good_path: '/b', last_failure: null, stale: true, automatic: false, damaged_page: 812 } };
    mockIPC((cmd) => (cmd === 'dashboard' ? damaged : null));
    render(Dashboard, { props: { openArc: vi.fn() } });
    const banner = await screen.findByTestId('backup-alert');
    expect(banner.textContent).toContain('No backup can be written: page 812 of the practice file fails its authentication check.');
    expect(banner.textContent).toContain('Check and repair under Settings → Recovery passphrase, key and file');
    expect(banner.textContent).not.toContain('Back up now');
  });

  it('shows no backup alert when the last backup is recent', async () => {
    const fine = { ...data, backup: { last_good: '2026-11-24T09:00:00Z', last_good_path: '/b', last_failure: null, stale: false, automatic: true, damaged_page: null } };
    mockIPC((cmd) => (cmd === 'dashboard' ? fine : null));
    render(Dashboard, { props: { openArc: vi.fn() } });
    await screen.findByTestId('due-today');
    expect(screen.queryByTestId('backup-alert')).toBeNull();
  });

  it('asks for the first 10 of each list, shows them most pressing first, and the rest on request', async () => {
    const overdue = Array.from({ length: 40 }, (_, i) => checkin(`o${i}`, `Invented Person ${i + 1}`, '2026-11-20T10:00'));
    const asked: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== 'dashboard') return null;
      asked.push(args);
      return answer({ ...whole, overdue }, args);
    });
    render(Dashboard, { props: { openArc: vi.fn() } });
    const list = await screen.findByTestId('overdue');
    expect(within(list).getAllByText(/^Invented Person \d+$/)).toHaveLength(10);
    expect(within(list).getByText('Invented Person 1')).toBeTruthy();
    expect(within(list).getByText('Invented Person 10')).toBeTruthy();
    expect(within(list).queryByText('Invented Person 11')).toBeNull();
    expect(list.querySelector('h2')?.textContent).toContain('40');
    expect(screen.queryByTestId('show-all-due-today')).toBeNull();
    expect(asked).toEqual([{ first: 10 }]);
    await fireEvent.click(within(list).getByRole('button', { name: 'Show all 40 overdue' }));
    await vi.waitFor(() => expect(within(list).getAllByText(/^Invented Person \d+$/)).toHaveLength(40));
    expect(asked).toEqual([{ first: 10 }, { first: null }]);
    expect(within(list).queryByRole('button', { name: /Show all/ })).toBeNull();
  });

  it('shows Today as read at launch without asking again, once; later showings ask', async () => {
    const commands: string[] = [];
    mockIPC((cmd, args) => {
      commands.push(cmd);
      return cmd === 'dashboard' ? answer({ ...whole, due_today: [checkin('n', 'Noor Halvorsen', '2026-11-25T15:00')] }, args) : null;
    });
    keepLaunchToday(answer(whole, { first: FIRST }));
    render(Dashboard, { props: { openArc: vi.fn() } });
    expect(within(await screen.findByTestId('due-today')).getByText('Wren Dunmore')).toBeTruthy();
    expect(commands.filter((c) => c === 'dashboard')).toEqual([]);
    cleanup();
    // Back on Today later: read again, not the launch's copy.
    render(Dashboard, { props: { openArc: vi.fn() } });
    await vi.waitFor(() => expect(within(screen.getByTestId('due-today')).getByText('Noor Halvorsen')).toBeTruthy());
    expect(commands.filter((c) => c === 'dashboard')).toEqual(['dashboard']);
  });
});
