import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import RestoreBackup from './RestoreBackup.svelte';
import Exports from './Exports.svelte';
import type { Manifest } from '../bindings/Manifest';

afterEach(() => {
  cleanup();
  clearMocks();
});

const manifest: Manifest = {
  format: 'arcwell-backup', format_version: 1, arcwell_version: '0.1.0', schema_version: 7,
  created_at: '2026-11-30T18:00:00.000Z', database: { bytes: 2097152, sha256: 'ab' },
  tables: { participant: 42, arc: 50, session: 80, checkin: 200, document: 30 },
};
const file = '/media/usb/practice-2026-11-30T180000Z.arcwell-backup';

function strip(args: unknown): Record<string, unknown> {
  const { progress: _p, ...rest } = args as Record<string, unknown>;
  return rest;
}

describe('restoring a backup', () => {
  it('checks it first, shows what it holds, then replaces the practice and names the safety backup', async () => {
    const calls: [string, unknown][] = [];
    const restored = vi.fn();
    mockIPC((cmd, args) => {
      calls.push([cmd, strip(args)]);
      if (cmd === 'verify_backup') return manifest;
      if (cmd === 'restore_backup') return { restored: manifest, safety_backup: { path: '/media/usb/before-restore-practice-x.arcwell-backup', file_bytes: 10, manifest } };
      throw new Error(`unexpected ${cmd}`);
    });
    render(RestoreBackup, { props: { mode: 'replace', onrestored: restored } });
    await fireEvent.input(screen.getByLabelText(/Backup file/), { target: { value: file } });
    await fireEvent.input(screen.getByLabelText('Backup passphrase'), { target: { value: 'harbour lantern' } });
    expect(screen.queryByText(/Replace my practice/)).toBeNull();
    await fireEvent.submit(screen.getByTestId('restore'));
    const contents = await screen.findByTestId('backup-contents');
    expect(contents.textContent).toContain('42 participants');
    expect(contents.textContent).toContain('30 Nov 2026, 18:00 UTC');
    expect(calls[0]).toEqual(['verify_backup', { open: { file, passphrase: 'harbour lantern' } }]);
    await fireEvent.click(screen.getByText('Replace my practice with this backup'));
    await screen.findByTestId('restored');
    expect(screen.getByTestId('restored').textContent).toContain('before-restore-practice-x');
    expect(calls[1]).toEqual(['restore_backup', { open: { file, passphrase: 'harbour lantern' }, recoveryPassphrase: null }]);
    expect(restored).toHaveBeenCalledWith(null);
  });

  it('asks for the recovery passphrase when the keychain lacks the key, and shows a refusal in the core’s words', async () => {
    let attempts = 0;
    mockIPC((cmd, args) => {
      if (cmd === 'verify_backup') return manifest;
      if (cmd === 'restore_backup') {
        attempts += 1;
        if (!(args as { recoveryPassphrase: string | null }).recoveryPassphrase) throw { code: 'passphrase_required', message: 'x' };
        throw { code: 'wrong_passphrase', message: 'That recovery passphrase does not open this practice; nothing was changed.' };
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(RestoreBackup, { props: { mode: 'replace', onrestored: vi.fn() } });
    await fireEvent.input(screen.getByLabelText(/Backup file/), { target: { value: file } });
    await fireEvent.submit(screen.getByTestId('restore'));
    await fireEvent.click(await screen.findByText('Replace my practice with this backup'));
    const recovery = await screen.findByLabelText(/Recovery passphrase of this practice/);
    await fireEvent.input(recovery, { target: { value: 'not it at all' } });
    await fireEvent.click(screen.getByText('Replace my practice with this backup'));
    await vi.waitFor(() => expect(screen.getByRole('alert').textContent).toContain('nothing was changed'));
    expect(attempts).toBe(2);
  });

  it('on a new computer restores with a new recovery passphrase typed twice', async () => {
    const calls: [string, unknown][] = [];
    const ready = vi.fn();
    const status = { stage: 'ready', demo: false, data_dir: '/home/x', keychain_note: null };
    mockIPC((cmd, args) => {
      calls.push([cmd, strip(args)]);
      if (cmd === 'verify_backup') return manifest;
      if (cmd === 'restore_new_practice') return status;
      throw new Error(`unexpected ${cmd}`);
    });
    render(RestoreBackup, { props: { mode: 'new', onrestored: ready } });
    await fireEvent.input(screen.getByLabelText(/Backup file/), { target: { value: file } });
    await fireEvent.click(screen.getByLabelText(/age identity file/));
    await fireEvent.input(await screen.findByLabelText(/Identity file/), { target: { value: '/media/usb/key.txt' } });
    await fireEvent.submit(screen.getByTestId('restore'));
    await fireEvent.input(await screen.findByLabelText(/New recovery passphrase/), { target: { value: 'copper meadow gate' } });
    await fireEvent.input(screen.getByLabelText('Repeat it'), { target: { value: 'copper meadow gat' } });
    await fireEvent.click(screen.getByText('Restore as my practice'));
    await vi.waitFor(() => expect(screen.getByRole('alert').textContent).toContain('differ'));
    await fireEvent.input(screen.getByLabelText('Repeat it'), { target: { value: 'copper meadow gate' } });
    await fireEvent.click(screen.getByText('Restore as my practice'));
    await vi.waitFor(() => expect(ready).toHaveBeenCalledWith(status));
    expect(calls.at(-1)).toEqual(['restore_new_practice', { open: { file, identity_file: '/media/usb/key.txt' }, passphrase: 'copper meadow gate' }]);
  });
});

describe('exports', () => {
  it('writes nothing until the facilitator says they understand it is not encrypted', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'export_defaults') return { warning: 'This export is not encrypted: keep it safe.', folder: '/home/rowan/Documents' };
      if (cmd === 'export_csv') return { files: ['/a/arcs.csv', '/a/sessions.csv', '/a/checkins.csv', '/a/data-dictionary.csv'], rows: 393, warning: '' };
      if (cmd === 'export_calendar') return { files: ['/home/rowan/Documents/c.ics'], rows: 58, warning: '' };
      if (cmd === 'export_fhir') return { files: ['/home/rowan/Documents/o.fhir.json'], rows: 131, warning: '' };
      throw new Error(`unexpected ${cmd}`);
    });
    render(Exports);
    await screen.findByText(/keep it safe/);
    const csv = screen.getByText('Export CSV') as HTMLButtonElement;
    expect(csv.disabled).toBe(true);
    await fireEvent.click(screen.getByLabelText(/I understand these files are not encrypted/));
    expect(csv.disabled).toBe(false);
    await fireEvent.click(csv);
    await screen.findByTestId('export-result');
    expect(calls.find(([c]) => c === 'export_csv')).toEqual(['export_csv', { folder: '/home/rowan/Documents', names: false }]);
    expect(csv.disabled, "the acknowledgement is asked again for the next export").toBe(true);

    const ics = screen.getByText('Export calendar') as HTMLButtonElement;
    const calendar = within(screen.getByRole('form', { name: 'Calendar export' }));
    expect((calendar.getByLabelText(/^File/) as HTMLInputElement).value).toMatch(/^\/home\/rowan\/Documents\/arcwell-checkins-\d{4}-\d{2}-\d{2}\.ics$/);
    await fireEvent.click(calendar.getByLabelText(/I understand this file is not encrypted/));
    await fireEvent.click(ics);
    await vi.waitFor(() => expect(screen.getByTestId('export-result').textContent).toContain('58 check-ins'));
    const [, args] = calls.find(([c]) => c === 'export_calendar')!;
    expect((args as { range: unknown }).range).toEqual({ days: 90, privacy: { names: false } });

    const fhir = within(screen.getByRole('form', { name: 'FHIR export' }));
    const button = fhir.getByText('Export FHIR') as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    await fireEvent.click(fhir.getByLabelText(/Put participant names/));
    await fireEvent.click(fhir.getByLabelText(/I understand this file is not encrypted/));
    await fireEvent.click(button);
    await vi.waitFor(() => expect(screen.getByTestId('export-result').textContent).toContain('131 measure responses'));
    const [, fhirArgs] = calls.find(([c]) => c === 'export_fhir')!;
    expect(fhirArgs).toMatchObject({ what: { privacy: { names: true } } });
    expect((fhirArgs as { path: string }).path).toMatch(/^\/home\/rowan\/Documents\/arcwell-outcomes-\d{4}-\d{2}-\d{2}\.fhir\.json$/);
  });
});
