import { describe, expect, it } from 'vitest';
import { keepDraft, saveAllDrafts } from './drafts';

describe('drafts kept for locking', () => {
  it('saves every registered draft, reports the ones that fail, and forgets unregistered ones', async () => {
    const saved: string[] = [];
    const a = keepDraft(async () => void saved.push('a'));
    const b = keepDraft(async () => {
      throw new Error('the disk is full');
    });
    const c = keepDraft(async () => void saved.push('c'));
    c();
    expect(await saveAllDrafts()).toEqual(['the disk is full']);
    expect(saved).toEqual(['a']);
    a();
    b();
    expect(await saveAllDrafts()).toEqual([]);
    expect(saved).toEqual(['a']);
  });
});
