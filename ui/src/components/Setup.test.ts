import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import Setup from './Setup.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

async function fill(passphrase: string, repeat: string) {
  await fireEvent.input(screen.getByLabelText('Your name'), { target: { value: 'Rowan Hale' } });
  await fireEvent.input(screen.getByLabelText(/^Passphrase/), { target: { value: passphrase } });
  await fireEvent.input(screen.getByLabelText('Repeat passphrase'), { target: { value: repeat } });
  await fireEvent.submit(screen.getByRole('button', { name: 'Create practice' }).closest('form')!);
}

describe('first-run setup', () => {
  it('refuses two different passphrases without calling the backend', async () => {
    const invoke = vi.fn();
    mockIPC(invoke);
    render(Setup, { props: { onready: vi.fn() } });
    await fill('lantern meadow copper', 'lantern meadow cooper');
    expect(screen.getByRole('alert').textContent).toContain('The two passphrases differ');
    expect(invoke).not.toHaveBeenCalled();
  });

  it('creates the practice and shows the backend’s words when it refuses', async () => {
    const sent: unknown[] = [];
    mockIPC((cmd, args) => {
      sent.push([cmd, args]);
      throw { code: 'invalid_input', message: 'the recovery passphrase needs at least 8 characters' };
    });
    const onready = vi.fn();
    render(Setup, { props: { onready } });
    await fill('lantern meadow copper', 'lantern meadow copper');
    await vi.waitFor(() => expect(screen.getByRole('alert').textContent).toContain('at least 8 characters'));
    expect(onready).not.toHaveBeenCalled();
    expect(sent).toHaveLength(1);
    const [cmd, args] = sent[0] as [string, { profile: { name: string; checkin_time: string }; passphrase: string }];
    expect(cmd).toBe('setup');
    expect(args.profile.name).toBe('Rowan Hale');
    expect(args.profile.checkin_time).toBe('10:00');
    expect(args.passphrase).toBe('lantern meadow copper');
  });
});
