import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import DosingDay from './DosingDay.svelte';
import type { DocumentDetail } from '../bindings/DocumentDetail';
import type { ArcDetail } from '../bindings/ArcDetail';
import type { Field } from '../bindings/Field';

afterEach(() => {
  cleanup();
  clearMocks();
});

const at = { utc: '2026-11-25T09:00:00Z', zone: 'Europe/Berlin', local: '2026-11-25T10:00' };
const dt = (key: string): Field => ({ key, label: key === 'at' ? 'Time' : key, required: false, type: 'datetime' });
const fields: Field[] = [
  dt('session_start'),
  dt('session_end'),
  { key: 'vitals', label: 'Vitals', required: false, type: 'group', fields: [
    dt('at'), { key: 'heart_rate', label: 'Heart rate', required: false, type: 'number', unit: 'bpm' },
  ] },
  { key: 'observations', label: 'Observations', required: false, type: 'group', fields: [
    dt('at'), { key: 'text', label: 'Observation', required: true, type: 'long_text' },
  ] },
];

const record = (answers: Record<string, unknown>, state: 'draft' | 'signed' = 'draft'): DocumentDetail => ({
  document: {
    id: 'd1', arc_id: 'a1', template_id: 't1', template_name: 'Administration record', template_version: 1,
    phase: 'administration', session_id: 's1', checkin_id: null, title: 'Administration record', answers, state,
    created: at, updated: at, signed: state === 'signed' ? at : null, withdrawn: null, packet_id: null,
  },
  template: { id: 't1', family: 'arcwell.administration', version: 1, name: 'Administration record', phase: 'administration', description: '', fields },
  events: [], current: answers, flags: [], warnings: [],
});

const arc = (): ArcDetail => ({
  arc: { id: 'a1', participant_id: 'p1', intention: null, phase: 'administration', opened: at, closed: null },
  participant_name: 'Ilse Varga', events: [], checkins: [], milestones: [], plan_name: 'Standard integration', plan_id: null, integration: null,
  sessions: [{ id: 's1', arc_id: 'a1', kind: 'administration', status: 'scheduled', scheduled: at, started: null, ended: null, location: 'Studio', status_reason: null }],
} as unknown as ArcDetail);

describe('dosing-day mode', () => {
  it('starts the clock, records an observation and vitals as they happen, and completes the session with its record', async () => {
    const calls: [string, Record<string, unknown>][] = [];
    let current: Record<string, unknown> = {};
    mockIPC((cmd, args) => {
      const a = args as Record<string, unknown>;
      calls.push([cmd, a]);
      if (cmd === 'get_arc') return arc();
      if (cmd === 'session_document') return record(current);
      if (cmd === 'save_draft') {
        // The core stores times as UTC with Z; these stamps already are.
        current = a.answers as Record<string, unknown>;
        return record(current);
      }
      if (cmd === 'complete_session') return {};
      if (cmd === 'get_document') return record(current, 'signed');
      throw new Error(`unexpected ${cmd}`);
    });
    render(DosingDay, { arcId: 'a1', sessionId: 's1', back: () => {} });
    await fireEvent.click(await screen.findByRole('button', { name: 'Start the session clock now' }));
    await screen.findByText(/Session start recorded/);
    expect(typeof current.session_start).toBe('string');
    expect(String(current.session_start)).toMatch(/Z$/);

    await fireEvent.input(screen.getByLabelText(/Observation/), { target: { value: 'Settled, eyes closed' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Record now' }));
    await screen.findByText('Settled, eyes closed');
    const obs = current.observations as { at: string; text: string }[];
    expect(obs).toHaveLength(1);
    expect(obs[0]?.text).toBe('Settled, eyes closed');
    expect(obs[0]?.at).toMatch(/Z$/);

    // Vitals with no reading are refused here, and nothing is saved.
    const saves = calls.filter(([c]) => c === 'save_draft').length;
    await fireEvent.click(screen.getByRole('button', { name: 'Record vitals now' }));
    await screen.findByText(/at least one reading/);
    expect(calls.filter(([c]) => c === 'save_draft').length).toBe(saves);
    await fireEvent.input(screen.getByLabelText(/Heart rate/), { target: { value: '88' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Record vitals now' }));
    await screen.findByText('88 bpm');

    await fireEvent.click(screen.getByRole('button', { name: 'End session now' }));
    await screen.findByText(/Session end recorded/);
    await fireEvent.click(screen.getByRole('button', { name: 'Sign record and complete session' }));
    await screen.findByText(/recorded as held and its record signed/);
    const done = calls.find(([c]) => c === 'complete_session')![1] as { id: string; input: Record<string, unknown> };
    expect(done.id).toBe('s1');
    expect(done.input).toMatchObject({ started: current.session_start, ended: current.session_end, document_id: 'd1' });
  });

  it('keeps what was typed when a save fails, and says why', async () => {
    mockIPC((cmd) => {
      if (cmd === 'get_arc') return arc();
      if (cmd === 'session_document') return record({ session_start: '2026-11-25T09:00:00Z' });
      if (cmd === 'save_draft') throw { code: 'storage', message: 'the disk is full; free some space and try again' };
      throw new Error(`unexpected ${cmd}`);
    });
    render(DosingDay, { arcId: 'a1', sessionId: 's1', back: () => {} });
    const text = await screen.findByLabelText(/Observation/);
    await fireEvent.input(text, { target: { value: 'Asked for a blanket' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Record now' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Observation was not saved: the disk is full');
    expect((screen.getByLabelText(/Observation/) as HTMLTextAreaElement).value).toBe('Asked for a blanket');
  });
});
