// Auto-lock: the window locks the practice after the facilitator's idle minutes without input,
// and when the shell says the computer is going to sleep or the screen locked.
import type { LockReason } from '../bindings/LockReason';

/** The input events that count as the facilitator being here. */
export const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

/** The window event Settings sends when the idle minutes change (detail: the minutes). */
export const SECURITY_CHANGED = 'arcwell:security-changed';

/** How often the idle clock is looked at (ms). Locking is at most this late. */
export const IDLE_CHECK_MS = 5_000;

/** Whether `minutes` of idleness have passed since the last input (0 minutes: never). */
export function idleExpired(nowMs: number, lastActivityMs: number, minutes: number): boolean {
  return minutes > 0 && nowMs - lastActivityMs >= minutes * 60_000;
}

/** What the unlock screen says about why Arcwell is locked. */
export function lockedMessage(reason: LockReason, minutes: number): string {
  switch (reason) {
    case 'by_hand':
      return 'You locked Arcwell.';
    case 'idle':
      return `Arcwell locked itself after ${minutes} ${minutes === 1 ? 'minute' : 'minutes'} without input.`;
    case 'sleep':
      return 'Arcwell locked when the computer went to sleep.';
    case 'screen_locked':
      return 'Arcwell locked when the screen was locked.';
  }
}
