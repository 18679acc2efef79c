import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import Templates from './Templates.svelte';
import type { Template } from '../bindings/Template';
import type { TemplateSummary } from '../bindings/TemplateSummary';

afterEach(() => {
  cleanup();
  clearMocks();
});

const prep: Template = {
  id: 't1', family: 'arcwell.preparation', version: 1, name: 'Preparation', phase: 'preparation', description: 'Before the day',
  fields: [{ key: 'intentions', label: 'Intentions', type: 'long_text', required: true }],
};
const summary = (t: Template, extra: Partial<TemplateSummary> = {}): TemplateSummary => ({
  id: t.id, family: t.family, version: t.version, name: t.name, phase: t.phase, shipped: t.family.startsWith('arcwell.'), pack: null, ...extra,
});

describe('the Templates screen', () => {
  it('turns a pack on, copies a shipped template and saves an edit as the next version', async () => {
    const calls: [string, unknown][] = [];
    let oregon = false;
    let mine: Template | null = null;
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      switch (cmd) {
        case 'list_template_packs':
          return [{ id: 'oregon', name: 'Oregon psilocybin services', description: 'OAR 333-333', enabled: oregon, changed: null, templates: ['Oregon administration session record'] }];
        case 'set_template_pack':
          oregon = (args as { enabled: boolean }).enabled;
          return null;
        case 'list_templates':
          return [summary(prep), ...(mine ? [summary(mine)] : [])];
        case 'get_template':
          return prep;
        case 'copy_template':
          mine = { ...prep, id: 't9', family: 'custom.9', name: (args as { name: string }).name };
          return mine;
        case 'save_template':
          return { ...mine!, id: 't10', version: 2, ...(args as { file: object }).file };
        default:
          throw new Error(`unexpected ${cmd}`);
      }
    });
    render(Templates);
    const pack = await screen.findByLabelText('Oregon psilocybin services');
    await fireEvent.click(pack);
    await vi.waitFor(() => expect(calls.some(([c, a]) => c === 'set_template_pack' && (a as { id: string }).id === 'oregon')).toBe(true));

    await fireEvent.click(screen.getByRole('button', { name: 'Preparation' }));
    await screen.findByRole('button', { name: 'Copy and edit' });
    expect(screen.queryByRole('button', { name: 'Edit' }), 'a shipped template is not edited in place').toBeNull();
    await fireEvent.submit(screen.getByRole('button', { name: 'Copy and edit' }).closest('form')!);
    const label = await screen.findByDisplayValue('Intentions');
    await fireEvent.click(screen.getByRole('button', { name: 'Add a field' }));
    expect(screen.getAllByTestId('field-editor')).toHaveLength(2);
    await fireEvent.input(label, { target: { value: 'What brings you' } });
    await fireEvent.submit(screen.getByRole('button', { name: 'Save as a new version' }).closest('form')!);
    await screen.findByText(/Saved as version 2/);
    const file = (calls.find(([c]) => c === 'save_template')![1] as { file: Template }).file;
    expect(file.family).toBe('custom.9');
    expect(file.fields[0], 'a relabelled field keeps its key').toMatchObject({ key: 'intentions', label: 'What brings you', type: 'long_text' });
  });

  it('shows why the core refused a template, and keeps the edit open', async () => {
    mockIPC((cmd) => {
      if (cmd === 'list_template_packs') return [];
      if (cmd === 'list_templates') return [];
      if (cmd === 'save_template') throw { code: 'invalid_input', message: 'field "notes" needs distinct, non-empty options' };
      throw new Error(`unexpected ${cmd}`);
    });
    render(Templates);
    await fireEvent.click(await screen.findByRole('button', { name: 'New screening template' }));
    await fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'Retreat screening' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add a field' }));
    const labels = screen.getAllByLabelText('Label');
    await fireEvent.input(labels[labels.length - 1]!, { target: { value: 'Support people' } });
    expect(screen.getByDisplayValue('support_people'), 'a new field takes its key from its label').toBeTruthy();
    await fireEvent.submit(screen.getByRole('button', { name: 'Create template' }).closest('form')!);
    await vi.waitFor(() => expect(screen.getByRole('alert').textContent).toContain('distinct, non-empty options'));
    expect(screen.getByTestId('template-editor')).toBeTruthy();
  });
});
