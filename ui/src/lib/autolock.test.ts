import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleTimer, idleExpired, lockedMessage } from './autolock';

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

describe('the idle timer', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('locks at the end of the idle period, to the millisecond, from one timer', () => {
    const onIdle = vi.fn();
    new IdleTimer(10, onIdle);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(10 * 60_000 - 1);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('wakes once per idle period while the facilitator works, and locks idle minutes after the last input', () => {
    const onIdle = vi.fn();
    const t = new IdleTimer(10, onIdle);
    const fire = vi.spyOn(t as unknown as { fire: () => void }, 'fire');
    // Input every second for 30 minutes: 1,800 touches.
    for (let s = 1; s <= 1_800; s++) {
      vi.advanceTimersByTime(1_000);
      t.touch();
      expect(vi.getTimerCount()).toBe(1);
    }
    expect(fire.mock.calls.length).toBeLessThanOrEqual(3);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10 * 60_000 - 1);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('never locks with 0 minutes, and follows new minutes from Settings', () => {
    const onIdle = vi.fn();
    const t = new IdleTimer(0, onIdle);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(24 * 3_600_000);
    expect(onIdle).not.toHaveBeenCalled();
    t.setMinutes(2);
    vi.advanceTimersByTime(2 * 60_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    t.setMinutes(5);
    t.stop();
    vi.advanceTimersByTime(60 * 60_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });
});
