import { describe, expect, it } from 'vitest';
import { idleExpired, lockedMessage } from './autolock';

describe('idle locking', () => {
  it('locks once the idle minutes have passed since the last input, never when off', () => {
    const last = 1_000_000;
    expect(idleExpired(last + 10 * 60_000 - 1, last, 10)).toBe(false);
    expect(idleExpired(last + 10 * 60_000, last, 10)).toBe(true);
    expect(idleExpired(last + 1e9, last, 0)).toBe(false);
  });

  it('says why it locked', () => {
    expect(lockedMessage('idle', 10)).toBe('Arcwell locked itself after 10 minutes without input.');
    expect(lockedMessage('idle', 1)).toContain('1 minute without');
    expect(lockedMessage('sleep', 10)).toContain('sleep');
    expect(lockedMessage('screen_locked', 10)).toContain('screen was locked');
    expect(lockedMessage('by_hand', 10)).toBe('You locked Arcwell.');
  });
});
