// Outcome measures on screen: which answers are complete, how a trajectory point reads, and the
// chart's data — pure, so they are unit-tested without a canvas.
import type { Measure } from '../bindings/Measure';
import type { Trajectory } from '../bindings/Trajectory';
import type { TrajectoryPoint } from '../bindings/TrajectoryPoint';
import type { Timepoint } from '../bindings/Timepoint';
import type { Phase } from '../bindings/Phase';

export const TIMEPOINTS: { value: Timepoint; label: string }[] = [
  { value: 'baseline', label: 'Baseline (before the dosing session)' },
  { value: 'after_administration', label: 'The day after the dosing session' },
  { value: 'follow_up', label: 'Follow-up' },
  { value: 'other', label: 'Other' },
];

export function timepointLabel(t: Timepoint): string {
  return { baseline: 'Baseline', after_administration: 'After the session', follow_up: 'Follow-up', other: 'Other' }[t];
}

/** The time point a measure given now most likely is, from the arc's phase and the measure. */
export function suggestedTimepoint(phase: Phase, measure: string): Timepoint {
  if (phase === 'inquiry' || phase === 'preparation') return 'baseline';
  if (measure === 'ebi' || measure === 'meq30') return 'after_administration';
  if (phase === 'integration' || phase === 'completion') return 'follow_up';
  return 'other';
}

/** How many items are still unanswered, and whether a total will follow (the core decides; this is the hint). */
export function unanswered(m: Measure, answers: Record<string, number | null>): { missing: number; total: boolean } {
  const missing = m.items.filter((i) => answers[i.key] === undefined || answers[i.key] === null).length;
  return { missing, total: missing <= m.missing.max_missing && missing < m.items.length };
}

/** "−6 · response · remission" for a point after baseline; "baseline" for the baseline. */
export function pointNote(p: TrajectoryPoint, baseline: string | null): string {
  if (p.response_id === baseline) return 'baseline';
  const parts: string[] = [];
  if (p.change !== null) parts.push(p.change > 0 ? `+${fmt(p.change)}` : p.change < 0 ? `−${fmt(-p.change)}` : '±0');
  if (p.response) parts.push('response');
  if (p.remission) parts.push('remission');
  if (p.improved) parts.push('meaningfully better');
  if (p.worsened) parts.push('meaningfully worse');
  return parts.join(' · ');
}

export function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** The chart's series: times in seconds (uPlot's x) and totals. */
export function chartData(t: Trajectory): [number[], (number | null)[]] {
  return [t.points.map((p) => Date.parse(p.at.utc) / 1000), t.points.map((p) => p.total)];
}
