import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import DocumentView from './DocumentView.svelte';
import Search from './Search.svelte';
import type { DocumentDetail } from '../bindings/DocumentDetail';

afterEach(() => {
  cleanup();
  clearMocks();
});

const at = { utc: '2026-11-25T09:00:00Z', zone: 'Europe/Berlin', local: '2026-11-25T10:00' };

const draft = (answers: Record<string, unknown>, state: 'draft' | 'signed' = 'draft'): DocumentDetail => ({
  document: {
    id: 'd1', arc_id: 'a1', template_id: 't1', template_name: 'Screening', template_version: 1, phase: 'screening',
    session_id: null, checkin_id: null, title: 'Screening', answers, state, created: at, updated: at,
    signed: state === 'signed' ? at : null, withdrawn: null, packet_id: null,
  },
  template: {
    id: 't1', family: 'arcwell.screening', version: 1, name: 'Screening', phase: 'screening', description: '',
    fields: [
      { key: 'lithium', label: 'Lithium within 30 days', type: 'yes_no', detail: 'Which, dose', required: true,
        flag: { on: ['yes'], reason: 'Lithium within 30 days' } },
      { key: 'other_medications', label: 'Other medications', type: 'long_text', required: false },
    ],
  },
  events: state === 'signed' ? [{ kind: 'signed', at, reason: null, changes: null }] : [],
  current: answers,
  flags: [],
  warnings: [],
});

describe('DocumentView', () => {
  it('autosaves a draft as it is typed, shows the flag it raises, and signs', async () => {
    const saved: Record<string, unknown>[] = [];
    mockIPC((cmd, args) => {
      const a = args as { answers: Record<string, unknown> };
      if (cmd === 'save_draft') {
        saved.push(a.answers);
        const d = draft(a.answers);
        if ((a.answers.lithium as { yes?: boolean } | undefined)?.yes) {
          d.flags = [{ id: 'f1', document_id: 'd1', field: 'lithium', reason: 'Lithium within 30 days', raised: at, acknowledged: null, ack_reason: null }];
        }
        return d;
      }
      if (cmd === 'sign_document') return draft(saved.at(-1) ?? {}, 'signed');
      throw new Error(`unexpected ${cmd}`);
    });
    render(DocumentView, { detail: draft({}), onchange: () => {} });
    await fireEvent.click(screen.getByLabelText('Yes'));
    await fireEvent.input(screen.getByPlaceholderText('Which, dose'), { target: { value: '300 mg, stopped in May' } });
    await screen.findByText('Draft saved', {}, { timeout: 3000 });
    expect(saved.at(-1)).toEqual({ lithium: { yes: true, detail: '300 mg, stopped in May' } });
    await screen.findByText('Lithium within 30 days', { selector: 'strong' });
    expect(screen.getByRole('button', { name: 'Acknowledge' })).toBeTruthy();

    await fireEvent.click(screen.getByRole('button', { name: 'Sign' }));
    await screen.findByText(/^Signed/);
    expect(screen.getByText('Yes — 300 mg, stopped in May')).toBeTruthy();
    expect(screen.getByText('Amend an answer')).toBeTruthy();
  });
});

describe('Search', () => {
  it('marks the matched words without rendering HTML from the snippet', async () => {
    mockIPC((cmd) => {
      if (cmd === 'search') {
        return [{
          kind: 'note', id: 'n1', participant_id: 'p1', participant_name: 'Odile Marchetti', arc_id: 'a1',
          phase: 'integration', at, title: 'Check-in note', snippet: 'Swam in the [sea]; <b>sleeping</b> better',
        }];
      }
      throw new Error(`unexpected ${cmd}`);
    });
    let opened = '';
    render(Search, { openArc: (id: string) => (opened = id), openParticipant: () => {} });
    await fireEvent.input(screen.getByRole('searchbox'), { target: { value: 'sea' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    const mark = await screen.findByText('sea', { selector: 'mark' });
    expect(mark).toBeTruthy();
    expect(screen.getByTestId('search-results').querySelector('b')).toBeNull();
    expect(screen.getByTestId('search-results').textContent).toContain('<b>sleeping</b>');
    await fireEvent.click(screen.getByRole('button', { name: /Odile Marchetti/ }));
    expect(opened).toBe('a1');
  });
});
