// Today as the shell read it when the practice opened at launch, given with the first status: the
// first dashboard shown takes it (once) instead of asking again, saving a round trip before the
// first paint. Every later showing asks for its own.
import type { Dashboard } from '../bindings/Dashboard';

/** Each of Today's lists shows this many rows until one is shown whole. */
export const FIRST = 10;

let atLaunch: Dashboard | null = null;

export function keepLaunchToday(today: Dashboard | null) {
  atLaunch = today;
}

/** The dashboard read at launch, the first time it is asked for; then `null`. */
export function takeLaunchToday(): Dashboard | null {
  const today = atLaunch;
  atLaunch = null;
  return today;
}
