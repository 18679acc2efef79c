import { afterEach, describe, expect, it } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { BackendError, backend, toBackendError } from './backend';

afterEach(() => clearMocks());

describe('backend', () => {
  it('sends each command its named arguments', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return cmd === 'edit_participant' ? { id: 'p1', name: 'Seren Whitlock' } : null;
    });
    const edited = await backend.editParticipant('p1', { name: 'Seren Whitlock', tags: [] });
    expect(edited.name).toBe('Seren Whitlock');
    await backend.advanceArc('a1', { to: 'preparation' });
    await backend.cancelSession('s1', null);
    expect(calls).toEqual([
      ['edit_participant', { id: 'p1', input: { name: 'Seren Whitlock', tags: [] } }],
      ['advance_arc', { id: 'a1', change: { to: 'preparation' } }],
      ['cancel_session', { id: 's1', reason: null }],
    ]);
  });

  it('turns a { code, message } rejection into a BackendError the UI can branch on', async () => {
    mockIPC(() => {
      throw { code: 'wrong_passphrase', message: 'that recovery passphrase does not unlock this practice' };
    });
    const err = await backend.unlock('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).code).toBe('wrong_passphrase');
    expect((err as BackendError).message).toContain('does not unlock');
  });

  it('treats anything else as a storage error and keeps its words', () => {
    expect(toBackendError('invalid args `id` for command').code).toBe('storage');
    expect(toBackendError('invalid args `id` for command').message).toContain('invalid args');
    expect(toBackendError({ code: 'made_up', message: 'x' }).code).toBe('storage');
    expect(toBackendError(new Error('boom')).message).toBe('boom');
  });
});
