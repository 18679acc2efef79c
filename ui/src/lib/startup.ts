// The startup probe: tells the shell when the UI's script first ran and when the dashboard was first
// painted with data. The shell prints those instants only when started with ARCWELL_STARTUP_PROBE=1
// (scripts/measure/startup.sh); otherwise the call does nothing. Each stage is reported once.
import { tick } from 'svelte';
import { backend } from './backend';
import type { StartupStage } from '../bindings/StartupStage';

const reported = new Set<StartupStage>();

function once(stage: StartupStage) {
  if (reported.has(stage)) return;
  reported.add(stage);
  backend.startupMark(stage).catch(() => {});
}

export function scriptStarted() {
  once('script');
}

/** The app's status arrived (the practice is open, or the first screen is known). */
export function statusReceived() {
  once('status');
}

/** The dashboard's data arrived, before it is rendered. */
export function dataReceived() {
  once('data');
}

/**
 * After the dashboard's data is in the state: waits for the DOM update ('rendered'), then for the
 * frame that lays it out and paints it ('frame' as it begins, 'dashboard' at the next one).
 */
export async function dashboardShown() {
  if (reported.has('dashboard')) return;
  await tick();
  once('rendered');
  requestAnimationFrame(() => {
    once('frame');
    requestAnimationFrame(() => once('dashboard'));
  });
}
