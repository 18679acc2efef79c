// Auto-lock: the window locks the practice after the facilitator's idle minutes without input,
// and when the shell says the computer is going to sleep or the screen locked.
import type { LockReason } from '../bindings/LockReason';

/** The input events that count as the facilitator being here. */
export const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

/** The window event Settings sends when the idle minutes change (detail: the minutes). */
export const SECURITY_CHANGED = 'arcwell:security-changed';

/** Whether `minutes` of idleness have passed since the last input (0 minutes: never). */
export function idleExpired(nowMs: number, lastActivityMs: number, minutes: number): boolean {
  return minutes > 0 && nowMs - lastActivityMs >= minutes * 60_000;
}

/**
 * Calls `onIdle` once `minutes` pass without input, from one timer set for the moment the idle
 * period would end: no polling. Input only notes the time (`touch`); when the timer fires early
 * because there was input since, it is set again for the new end. With input throughout, the
 * page wakes once per idle period; with the window idle, once, to lock.
 */
export class IdleTimer {
  private last: number;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private minutes: number,
    private readonly onIdle: () => void,
  ) {
    this.last = Date.now();
    this.arm();
  }

  /** Input: the facilitator is here. */
  touch(): void {
    this.last = Date.now();
    if (this.timer === null) this.arm();
  }

  /** New idle minutes from Settings (0: never lock when idle). */
  setMinutes(minutes: number): void {
    this.minutes = minutes;
    this.stop();
    this.arm();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    if (this.minutes <= 0) return;
    const wait = Math.max(0, this.last + this.minutes * 60_000 - Date.now());
    this.timer = setTimeout(() => this.fire(), wait);
  }

  private fire(): void {
    this.timer = null;
    if (idleExpired(Date.now(), this.last, this.minutes)) this.onIdle();
    else this.arm();
  }
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
