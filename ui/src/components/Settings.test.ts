import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import Settings from './Settings.svelte';
import PlansEditor from './PlansEditor.svelte';
import BackupSettings from './BackupSettings.svelte';
import type { Plan } from '../bindings/Plan';
import type { AutoBackupSettings } from '../bindings/AutoBackupSettings';

afterEach(() => {
  cleanup();
  clearMocks();
});

const backupOff: AutoBackupSettings = { enabled: false, folder: null, keep: 14, every_hours: 24, has_passphrase: false, recipients: [] };
const neverBacked = { last_good: null, last_good_path: null, last_failure: null, stale: true, automatic: false, damaged_page: null };

const defaults = { warning: 'This export is not encrypted.', folder: '/home/rowan/Documents' };
const security = { auto_lock_minutes: 10, lock_on_sleep: true, retention_years: 5 };
const profile = { name: 'Rowan Hale', timezone: 'Europe/Berlin', checkin_time: '10:00', stall_days: 14 };

describe('the Settings screen', () => {
  it('saves the profile as edited', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'get_profile') return profile;
      if (cmd === 'list_plans') return [];
      if (cmd === 'backup_settings') return backupOff;
      if (cmd === 'backup_health') return neverBacked;
      if (cmd === 'export_defaults') return defaults;
      if (cmd === 'security_settings') return security;
      if (cmd === 'audit_entries') return [];
      if (cmd === 'past_retention') return [];
      if (cmd === 'save_profile') return { ...profile, ...(args as { input: object }).input };
      throw new Error(`unexpected ${cmd}`);
    });
    render(Settings, { props: { openReminders: vi.fn() } });
    const days = await screen.findByLabelText(/Stalled after/);
    await fireEvent.input(days, { target: { value: '10' } });
    await fireEvent.input(screen.getByLabelText(/Time zone/), { target: { value: 'America/Denver' } });
    await fireEvent.submit(screen.getByTestId('profile-form'));
    await screen.findByText('Saved.');
    expect(calls.at(-1)).toEqual(['save_profile', { input: { name: 'Rowan Hale', timezone: 'America/Denver', checkin_time: '10:00', stall_days: 10 } }]);
  });

  it('shows the core’s words for a zone it does not know, and keeps what was typed', async () => {
    mockIPC((cmd) => {
      if (cmd === 'get_profile') return profile;
      if (cmd === 'list_plans') return [];
      if (cmd === 'backup_settings') return backupOff;
      if (cmd === 'backup_health') return neverBacked;
      if (cmd === 'export_defaults') return defaults;
      if (cmd === 'security_settings') return security;
      if (cmd === 'audit_entries') return [];
      if (cmd === 'past_retention') return [];
      throw { code: 'invalid_input', message: '"Mars/Olympus" is not a time zone; use an IANA name such as Europe/Berlin' };
    });
    render(Settings, { props: { openReminders: vi.fn() } });
    const zone = await screen.findByLabelText(/Time zone/);
    await fireEvent.input(zone, { target: { value: 'Mars/Olympus' } });
    await fireEvent.submit(screen.getByTestId('profile-form'));
    await vi.waitFor(() => expect(screen.getByRole('alert').textContent).toContain('IANA name'));
    expect((screen.getByLabelText(/Time zone/) as HTMLInputElement).value).toBe('Mars/Olympus');
  });
});

const standard: Plan = {
  id: 'p1', name: 'Standard integration', is_default: true, baseline_measures: ['phq9', 'gad7'], version: 3,
  steps: [
    { offset: { amount: 24, unit: 'hours' }, purpose: 'First check-in', prompts: ['How did you sleep?'], measures: ['ebi'], reassessment: false },
    { offset: { amount: 1, unit: 'weeks' }, purpose: 'One week', prompts: [], measures: ['phq9'], reassessment: true },
  ],
};

describe('the follow-up plans in Settings', () => {
  it('edits a plan’s steps and saves the whole plan, prompts one per line', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'list_plans') return [standard];
      if (cmd === 'save_plan') return { ...standard, name: 'Standard integration' };
      throw new Error(`unexpected ${cmd}`);
    });
    render(PlansEditor);
    await screen.findByText('24 hours · 1 week');
    await fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    await fireEvent.input(screen.getByLabelText('Step 2 amount'), { target: { value: '10' } });
    await fireEvent.change(screen.getByLabelText('Step 2 unit'), { target: { value: 'days' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add a step' }));
    await fireEvent.input(screen.getByLabelText('Step 3 purpose'), { target: { value: 'Six months on' } });
    await fireEvent.input(screen.getByLabelText('Step 3 prompts'), { target: { value: 'What has lasted?\n\n  What faded? ' } });
    await fireEvent.input(screen.getByLabelText('Step 3 measures'), { target: { value: 'phq9,  who5' } });
    await fireEvent.click(screen.getByLabelText('Step 3 is a re-assessment'));
    await fireEvent.click(screen.getByRole('button', { name: 'Remove step 1' }));
    await fireEvent.submit(screen.getByRole('form', { name: 'Edit plan' }));
    // The message stays once the list has been read again and the saved plan reopened.
    await vi.waitFor(() => expect(calls.filter(([c]) => c === 'list_plans')).toHaveLength(2));
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.getByText(/Saved “Standard integration”/)).toBeTruthy();
    expect(calls.find(([c]) => c === 'save_plan')).toEqual(['save_plan', {
      id: 'p1',
      input: {
        name: 'Standard integration', make_default: false, baseline_measures: ['phq9', 'gad7'],
        steps: [
          { offset: { amount: 10, unit: 'days' }, purpose: 'One week', prompts: [], measures: ['phq9'], reassessment: true },
          { offset: { amount: 6, unit: 'months' }, purpose: 'Six months on', prompts: ['What has lasted?', 'What faded?'], measures: ['phq9', 'who5'], reassessment: true },
        ],
      },
    }]);
  });

  it('shows the core’s refusal and keeps the plan as edited', async () => {
    mockIPC((cmd) => {
      if (cmd === 'list_plans') return [standard];
      throw { code: 'invalid_input', message: 'a plan needs at least one step' };
    });
    render(PlansEditor);
    await fireEvent.click(await screen.findByRole('button', { name: 'Copy' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Remove step 1' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Remove step 1' }));
    await fireEvent.submit(screen.getByRole('form', { name: 'Edit plan' }));
    expect((await screen.findByRole('alert')).textContent).toContain('at least one step');
    expect((screen.getByLabelText('Plan name') as HTMLInputElement).value).toBe('Standard integration (copy)');
  });
});

describe('backups in Settings', () => {
  it('saves the folder and a backup passphrase typed twice, then backs up now', async () => {
    const calls: [string, unknown][] = [];
    let saved = backupOff;
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'backup_settings') return saved;
      if (cmd === 'backup_health') return calls.some(([c]) => c === 'backup_now')
        ? { ...neverBacked, last_good: '2026-12-01T10:00:00Z', last_good_path: '/media/usb/p.arcwell-backup', stale: false }
        : neverBacked;
      if (cmd === 'save_backup_settings') {
        saved = { ...backupOff, folder: '/media/usb', enabled: true, has_passphrase: true };
        return saved;
      }
      if (cmd === 'backup_now') return { outcome: 'written', info: { path: '/media/usb/p.arcwell-backup', file_bytes: 3 * 1048576, manifest: {} }, removed: [] };
      throw new Error(`unexpected ${cmd}`);
    });
    render(BackupSettings);
    await screen.findByText('Never backed up.');
    await fireEvent.input(screen.getByLabelText(/Folder/), { target: { value: '/media/usb' } });
    await fireEvent.input(screen.getByLabelText('Backup passphrase'), { target: { value: 'harbour lantern seven gulls' } });
    await fireEvent.input(screen.getByLabelText('Repeat it'), { target: { value: 'harbour lantern seven gull' } });
    await fireEvent.click(screen.getByLabelText(/Back up automatically/));
    await fireEvent.submit(screen.getByRole('form', { name: 'Backups' }));
    expect((await screen.findByRole('alert')).textContent).toContain('differ');
    expect(calls.some(([c]) => c === 'save_backup_settings')).toBe(false);
    await fireEvent.input(screen.getByLabelText('Repeat it'), { target: { value: 'harbour lantern seven gulls' } });
    await fireEvent.submit(screen.getByRole('form', { name: 'Backups' }));
    await screen.findByText('Saved.');
    expect(calls.find(([c]) => c === 'save_backup_settings')?.[1]).toEqual({
      input: { enabled: true, folder: '/media/usb', keep: 14, every_hours: 24, passphrase: 'harbour lantern seven gulls', recipients: [] },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Back up now' }));
    await screen.findByText(/Backed up: \/media\/usb\/p.arcwell-backup \(3.0 MiB\)/);
    await screen.findByText(/Last good backup/);
  });

  it('shows the core’s refusal in its words', async () => {
    mockIPC((cmd) => {
      if (cmd === 'backup_settings') return backupOff;
      if (cmd === 'backup_health') return neverBacked;
      throw { code: 'invalid_input', message: '"usb" is not a full path; choose the folder by its full path, e.g. /media/usb/arcwell' };
    });
    render(BackupSettings);
    await screen.findByText('Never backed up.');
    await fireEvent.input(screen.getByLabelText(/Folder/), { target: { value: 'usb' } });
    await fireEvent.submit(screen.getByRole('form', { name: 'Backups' }));
    expect((await screen.findByRole('alert')).textContent).toContain('not a full path');
  });
});
