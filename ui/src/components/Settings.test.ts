import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import Settings from './Settings.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

const profile = { name: 'Rowan Hale', timezone: 'Europe/Berlin', checkin_time: '10:00', stall_days: 14 };

describe('the Settings screen', () => {
  it('saves the profile as edited', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'get_profile') return profile;
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
