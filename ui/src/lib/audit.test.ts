import { describe as group, expect, it } from 'vitest';
import { describe, verdict } from './audit';
import type { AuditEntry } from '../bindings/AuditEntry';

const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  seq: 1,
  at: '2026-11-25T09:00:00Z',
  action: 'create',
  entity: 'participant',
  entity_id: null,
  participant_id: null,
  participant_name: null,
  detail: null,
  ...over,
});

group('audit trail words', () => {
  it('says what an entry recorded, in words', () => {
    expect(describe(entry({}))).toBe('Created participant');
    expect(describe(entry({ action: 'sign', entity: 'document', detail: 'administration' }))).toBe('Signed document (administration)');
    expect(describe(entry({ action: 'unlock', entity: 'practice', detail: 'keychain' }))).toBe('Unlocked (keychain)');
    expect(describe(entry({ action: 'export', entity: 'export', detail: 'csv with names' }))).toBe('Exported (csv with names)');
  });

  it('gives the verdict with where the first problem is', () => {
    expect(verdict({ entries: 12, problems: [], anchored: true })).toBe('Intact: 12 entries, every hash checks.');
    const bad = verdict({ entries: 12, problems: [{ seq: 4, at: null, what: 'x' }, { seq: 5, at: null, what: 'y' }], anchored: true });
    expect(bad).toContain('2 problems in 12 entries, the first at entry 4');
  });
});
