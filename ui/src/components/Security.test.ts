import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import SecuritySettings from './SecuritySettings.svelte';
import AuditTrail from './AuditTrail.svelte';
import KeySettings from './KeySettings.svelte';
import Retention from './Retention.svelte';
import { SECURITY_CHANGED } from '../lib/autolock';
import type { AuditEntry } from '../bindings/AuditEntry';

afterEach(() => {
  cleanup();
  clearMocks();
});

describe('locking and retention', () => {
  it('saves the idle minutes and tells the window, and shows the core’s refusal', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'security_settings') return { auto_lock_minutes: 10, lock_on_sleep: true, retention_years: 5 };
      if (cmd === 'save_security_settings') {
        const input = (args as { input: { auto_lock_minutes: number } }).input;
        if (input.auto_lock_minutes > 480) throw { code: 'invalid_input', message: 'auto-lock after at most 480 minutes (8 hours); 0 turns it off' };
        return input;
      }
      throw new Error(`unexpected ${cmd}`);
    });
    let told: number | null = null;
    window.addEventListener(SECURITY_CHANGED, (e) => (told = (e as CustomEvent<number>).detail));
    render(SecuritySettings);
    const minutes = await screen.findByTestId('auto-lock-minutes');
    await fireEvent.input(minutes, { target: { value: '3' } });
    await fireEvent.submit(screen.getByTestId('security'));
    await screen.findByText('Saved.');
    expect(calls.at(-1)).toEqual(['save_security_settings', { input: { auto_lock_minutes: 3, lock_on_sleep: true, retention_years: 5 } }]);
    expect(told).toBe(3);
    await fireEvent.input(minutes, { target: { value: '900' } });
    await fireEvent.submit(screen.getByTestId('security'));
    expect((await screen.findByRole('alert')).textContent).toContain('at most 480 minutes');
  });
});

describe('the audit trail', () => {
  const entry = (seq: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
    seq, at: '2026-11-25T09:00:00.000Z', action: 'create', entity: 'participant', entity_id: null,
    participant_id: 'p1', participant_name: 'Odalys Thistlewood', detail: null, ...over,
  });

  it('lists entries newest first with who, pages back, and shows where verification failed', async () => {
    const asked: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'get_profile') return { name: 'Rowan Hale', timezone: 'Europe/Berlin', checkin_time: '10:00', stall_days: 14 };
      if (cmd === 'audit_entries') {
        asked.push(args);
        const before = (args as { before: number | null }).before;
        return before === null ? Array.from({ length: 50 }, (_, i) => entry(60 - i)) : [entry(10, { action: 'unlock', entity: 'practice', participant_id: null, participant_name: null, detail: 'keychain' })];
      }
      if (cmd === 'verify_audit') return { entries: 60, anchored: true, problems: [{ seq: 7, at: '2026-11-25T09:00:00.000Z', what: 'entry 7 does not match its hash' }] };
      throw new Error(`unexpected ${cmd}`);
    });
    render(AuditTrail);
    expect((await screen.findAllByTestId('audit-entry')).length).toBe(50);
    expect(screen.getAllByTestId('audit-entry')[0]!.textContent).toContain('Created participant');
    expect(screen.getAllByTestId('audit-entry')[0]!.textContent).toContain('Odalys Thistlewood');
    await fireEvent.click(screen.getByText('Older entries'));
    await screen.findByText('Unlocked (keychain)');
    expect(asked.at(-1)).toEqual({ participantId: null, before: 11, limit: 50 });
    await fireEvent.click(screen.getByTestId('verify-audit'));
    expect((await screen.findByTestId('audit-verdict')).textContent).toContain('the first at entry 7');
    expect(screen.getByTestId('audit-problems').textContent).toContain('Entry 7 (Wed, 25 Nov 2026, 10:00)');
  });
});

describe('the recovery passphrase and key', () => {
  it('refuses two different new passphrases before asking the core, then changes it; rotating says the core’s refusal', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'change_passphrase') return null;
      if (cmd === 'rotate_key') throw { code: 'wrong_passphrase', message: 'that recovery passphrase does not unlock this practice; nothing was changed. Check it and try again' };
      throw new Error(`unexpected ${cmd}`);
    });
    render(KeySettings);
    const form = screen.getByTestId('change-passphrase');
    await fireEvent.input(screen.getByLabelText('Current passphrase'), { target: { value: 'lantern meadow copper thistle' } });
    await fireEvent.input(screen.getByLabelText(/New passphrase \(8/), { target: { value: 'harbour lantern fennel' } });
    await fireEvent.input(screen.getByLabelText('New passphrase again'), { target: { value: 'harbour lantern fennle' } });
    await fireEvent.submit(form);
    expect((await screen.findByRole('alert')).textContent).toContain('differ');
    expect(calls).toEqual([]);
    await fireEvent.input(screen.getByLabelText('New passphrase again'), { target: { value: 'harbour lantern fennel' } });
    await fireEvent.submit(form);
    expect((await screen.findByRole('status')).textContent).toContain('Changed.');
    expect(calls).toEqual([['change_passphrase', { current: 'lantern meadow copper thistle', new: 'harbour lantern fennel' }]]);
    await fireEvent.input(within(screen.getByTestId('rotate-key')).getByLabelText('Recovery passphrase'), { target: { value: 'wrong words here' } });
    await fireEvent.submit(screen.getByTestId('rotate-key'));
    expect((await screen.findByRole('alert')).textContent).toContain('nothing was changed');
  });

  it('checks and repairs the file: says what was mended, or the core’s refusal when records are hit', async () => {
    const calls: [string, unknown][] = [];
    let answer: unknown = { damaged: [12, 40], search_remade: true };
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd !== 'repair_practice_file') throw new Error(`unexpected ${cmd}`);
      if (answer instanceof Error) throw { code: 'records_damaged', message: answer.message };
      return answer;
    });
    render(KeySettings);
    const form = screen.getByTestId('repair-file');
    await fireEvent.input(within(form).getByLabelText('Recovery passphrase'), { target: { value: 'lantern meadow copper thistle' } });
    await fireEvent.submit(form);
    expect((await within(form).findByRole('status')).textContent).toContain('damaged pages (12, 40) held no records (the search index among them, made anew');
    expect(calls).toEqual([['repair_practice_file', { passphrase: 'lantern meadow copper thistle' }]]);
    answer = new Error('the practice file /data/practice.db is damaged where it holds records (page 7, part of note), so it cannot be rebuilt without losing them, and nothing was changed');
    await fireEvent.input(within(form).getByLabelText('Recovery passphrase'), { target: { value: 'lantern meadow copper thistle' } });
    await fireEvent.submit(form);
    const refusal = (await within(form).findByRole('alert')).textContent;
    expect(refusal).toContain('page 7, part of note');
    expect(refusal).toContain('Use Restore a backup under Settings');
  });
});

describe('records past retention', () => {
  it('lists them, offers a purge only once the record is exported, and sends the typed name', async () => {
    const calls: [string, unknown][] = [];
    let listed = [
      { participant_id: 'p1', name: 'Ilse Oyelaran', last_closed: '2020-01-10T10:00:00Z', kept_until: '2025-01-10T10:00:00Z', arcs: 1, exported: true },
      { participant_id: 'p2', name: 'Corin Vale', last_closed: '2020-03-01T10:00:00Z', kept_until: '2025-03-01T10:00:00Z', arcs: 2, exported: false },
    ];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'past_retention') return listed;
      if (cmd === 'purge_participant') {
        listed = listed.slice(1);
        return null;
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(Retention);
    const rows = await screen.findAllByTestId('past-retention');
    expect(rows.length).toBe(2);
    expect(rows[1]!.textContent).toContain('record not exported yet');
    expect((rows[1]!.querySelector('button') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(rows[0]!.querySelector('button')!);
    await fireEvent.input(screen.getByLabelText('Type the name to confirm'), { target: { value: 'Ilse Oyelaran' } });
    await fireEvent.click(screen.getByText('Purge for good'));
    expect((await screen.findByRole('status')).textContent).toContain('purged');
    expect(calls.find(([c]) => c === 'purge_participant')).toEqual(['purge_participant', { participantId: 'p1', confirmName: 'Ilse Oyelaran' }]);
    await vi.waitFor(() => expect(screen.getAllByTestId('past-retention').length).toBe(1));
  });
});
