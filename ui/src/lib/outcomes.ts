// The practice outcomes screen's pure parts: the filter as typed into the one the core takes, how
// rates and changes read, and the bar chart's data — unit-tested without a canvas.
import type { CohortFilter } from '../bindings/CohortFilter';
import type { Mean } from '../bindings/Mean';
import type { OutcomeGroup } from '../bindings/OutcomeGroup';
import type { Rate } from '../bindings/Rate';
import type { ArcCovariates } from '../bindings/ArcCovariates';
import type { Predictor } from '../bindings/Predictor';
import { fmt } from './measures';

/** What the filter fields hold as typed (empty strings are "any"). */
export type FilterForm = {
  planId: string;
  from: string;
  to: string;
  substance: string;
  doseMin: string;
  doseMax: string;
  approach: string;
};

export const EMPTY_FILTER: FilterForm = { planId: '', from: '', to: '', substance: '', doseMin: '', doseMax: '', approach: '' };

/** The core's filter: only what was filled in; a dose that is not a number is an error to show. */
export function toFilter(f: FilterForm): CohortFilter | { error: string } {
  const out: CohortFilter = {};
  if (f.planId) out.plan_id = f.planId;
  if (f.from) out.from = f.from;
  if (f.to) out.to = f.to;
  if (f.substance.trim()) out.substance = f.substance.trim();
  if (f.approach.trim()) out.approach = f.approach.trim();
  for (const [key, text, name] of [
    ['dose_min_mg', f.doseMin, 'The lowest dose'],
    ['dose_max_mg', f.doseMax, 'The highest dose'],
  ] as const) {
    if (!text.trim()) continue;
    const mg = Number(text.trim().replace(',', '.'));
    if (!Number.isFinite(mg) || mg < 0) return { error: `${name} must be a number of milligrams, 0 or more (got “${text}”).` };
    out[key] = mg;
  }
  return out;
}

/** "62 % (41–80 %)": a share with its 95 % interval; "too few to say (3 of 4)" below the
 *  core's minimum; "—" where the measure defines no such rate. */
export function rate(r: Rate | null): string {
  if (r === null) return '—';
  if (r.value === null || r.low === null || r.high === null) return `too few to say (${r.hits} of ${r.n})`;
  const pc = (x: number) => Math.round(x * 100);
  return `${pc(r.value)} % (${pc(r.low)}–${pc(r.high)} %)`;
}

/** "−5.8", "+2", "±0"; "—" without a figure. */
export function change(x: number | null): string {
  if (x === null) return '—';
  if (x === 0) return '±0';
  return x > 0 ? `+${fmt(x)}` : `−${fmt(-x)}`;
}

/** A mean change with its 95 % interval: "−5.8 (−9.1 to −2.4)"; "too few to say (n = 4)". */
export function meanChange(m: Mean): string {
  if (m.value === null || m.low === null || m.high === null) return `too few to say (n = ${m.n})`;
  return `${change(m.value)} (${change(m.low)} to ${change(m.high)})`;
}

export function days(x: number | null): string {
  return x === null ? '—' : `${fmt(x)} ${x === 1 ? 'day' : 'days'}`;
}

/** The groups with a figure to draw (too few arcs, or baselines only, have none), in the table's order. */
export function chartGroups(groups: OutcomeGroup[]): { labels: string[]; changes: number[] } {
  const drawn = groups.filter((g) => g.outcomes.mean_change.value !== null);
  return { labels: drawn.map((g) => g.label), changes: drawn.map((g) => g.outcomes.mean_change.value as number) };
}

/** A covariate's association with change: "ρ −0.88 (−0.97 to −0.56)" for a number, the group's
 *  difference in mean change "−8.4 (−11.8 to −5)"; "too few to say" without a figure. */
export function effect(p: Predictor): string {
  if (p.effect === null || p.low === null || p.high === null) return 'too few to say';
  if (p.kind === 'number') {
    const r = (x: number) => (x < 0 ? `−${Math.abs(x).toFixed(2)}` : x.toFixed(2));
    return `ρ ${r(p.effect)} (${r(p.low)} to ${r(p.high)})`;
  }
  return `${change(p.effect)} (${change(p.low)} to ${change(p.high)})`;
}

/** How many arcs a row is about: "17", or "9 against 9" for a group. */
export function arcsOf(p: Predictor): string {
  return p.n_rest === null ? String(p.n) : `${p.n} against ${p.n_rest}`;
}

/** The numeric covariates (their keys are the arc rows' field names). */
export type NumberKey = 'meq30' | 'ebi' | 'dose_mg' | 'checkins_completed' | 'days_to_first_contact' | 'milestones_achieved';

/** Change against one numeric covariate, for the arcs that have it, in x order (uPlot wants it). */
export function scatter(arcs: ArcCovariates[], key: NumberKey): { xs: number[]; ys: number[] } {
  const pts = arcs.flatMap((a) => (a[key] === null ? [] : [[a[key] as number, a.change] as const])).sort((p, q) => p[0] - q[0]);
  return { xs: pts.map((p) => p[0]), ys: pts.map((p) => p[1]) };
}

/** A headline figure: the value large, its interval and count small beneath. */
export type Figure = { value: string; detail: string };

/** A share as a headline: "72 %" over "49–88 % · 13 of 18". */
export function rateFigure(r: Rate | null): Figure {
  if (r === null) return { value: '—', detail: 'not defined for this measure' };
  if (r.value === null || r.low === null || r.high === null) return { value: 'too few to say', detail: `${r.hits} of ${r.n}` };
  const pc = (x: number) => Math.round(x * 100);
  return { value: `${pc(r.value)} %`, detail: `${pc(r.low)}–${pc(r.high)} % · ${r.hits} of ${r.n}` };
}

/** A mean change as a headline: "−7.2" over "−8.7 to −5.7 · 18 arcs". */
export function changeFigure(m: Mean): Figure {
  if (m.value === null || m.low === null || m.high === null) return { value: 'too few to say', detail: `n = ${m.n}` };
  return { value: change(m.value), detail: `${change(m.low)} to ${change(m.high)} · ${m.n} arcs` };
}

/** Mean baseline and latest as a headline: "14.3 → 7.1" over "12.8–15.7 → 4.9–9.3". */
export function scoresFigure(base: Mean, latest: Mean): Figure {
  const part = (m: Mean) => (m.value === null ? '—' : fmt(m.value));
  const range = (m: Mean) => (m.low === null || m.high === null ? `n = ${m.n}` : `${fmt(m.low)}–${fmt(m.high)}`);
  if (base.value === null) return { value: 'too few to say', detail: `n = ${base.n}` };
  return { value: `${part(base)} → ${part(latest)}`, detail: `${range(base)} → ${range(latest)}` };
}
