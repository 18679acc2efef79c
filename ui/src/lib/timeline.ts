// The arc as a picture: where its phases, sessions, check-ins, measures and milestones fall in time. A pure
// layout (instants → x positions in a given width) so that it is tested without a DOM.
import type { ArcDetail } from '../bindings/ArcDetail';
import type { Phase } from '../bindings/Phase';
import type { MeasureResponse } from '../bindings/MeasureResponse';
import { fmt, timepointLabel } from './measures';

export type Lane = 'session' | 'checkin' | 'measure' | 'milestone';

export interface Mark {
  lane: Lane;
  id: string;
  x: number;
  /** completed | skipped | overdue | due (check-ins); the session's or milestone's status; for a
   * measure, `critical` (a critical answer) or `scored`. */
  state: string;
  /** What it is, for its tooltip and the screen reader. */
  label: string;
  /** A dosing session stands out. */
  dosing?: boolean;
}

export interface Band {
  phase: Phase;
  x0: number;
  x1: number;
}

export interface Tick {
  x: number;
  label: string;
}

/** A check-in moved since it was queued: where it was first due (`from`) and where it is now (`to`). */
export interface Move {
  id: string;
  from: number;
  to: number;
  label: string;
}

export interface TimelineLayout {
  width: number;
  bands: Band[];
  marks: Mark[];
  moves: Move[];
  ticks: Tick[];
  /** Where now falls, when inside the picture. */
  today: number | null;
}

export const PAD = 16;
const DAY = 86_400_000;

const ms = (iso: string) => new Date(iso).getTime();
/** `YYYY-MM-DD` as noon UTC of that day, so it lands inside the day in every zone. */
const dayMs = (d: string) => ms(`${d}T12:00:00Z`);

function checkinState(status: string, due: number, now: number): string {
  if (status !== 'due') return status;
  return due < now ? 'overdue' : 'due';
}

const fmtDay = (t: number) => new Date(t).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const fmtMonth = (t: number) => new Date(t).toLocaleDateString('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });

/** Ticks at whole days, weeks (Mondays) or month starts: as many as fit, at most about eight. */
export function ticksBetween(start: number, end: number, x: (t: number) => number): Tick[] {
  const span = end - start;
  const out: Tick[] = [];
  if (span > 75 * DAY) {
    const d = new Date(start);
    let t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    const step = Math.max(1, Math.ceil(span / (8 * 30 * DAY)));
    while (t <= end) {
      out.push({ x: x(t), label: fmtMonth(t) });
      const n = new Date(t);
      t = Date.UTC(n.getUTCFullYear(), n.getUTCMonth() + step, 1);
    }
    return out;
  }
  const stepDays = span > 10 * DAY ? 7 * Math.max(1, Math.ceil(span / (8 * 7 * DAY))) : 1;
  let t = Math.ceil(start / DAY) * DAY;
  if (stepDays >= 7) while (new Date(t).getUTCDay() !== 1) t += DAY;
  for (; t <= end; t += stepDays * DAY) out.push({ x: x(t), label: fmtDay(t) });
  return out;
}

/** `measures`: the arc's counted responses (withdrawn ones are left out by the caller). */
/** `left`: where time begins, leaving a gutter for the lanes' names. */
export function layoutTimeline(d: ArcDetail, now: Date, width: number, measures: MeasureResponse[] = [], left = PAD): TimelineLayout {
  const nowMs = now.getTime();
  const times: number[] = [ms(d.arc.opened.utc)];
  for (const r of measures) times.push(ms(r.administered.utc));
  for (const s of d.sessions) times.push(ms((s.started ?? s.scheduled).utc));
  for (const c of d.checkins) times.push(ms((c.resolved ?? c.due).utc));
  for (const m of d.milestones) if (m.target_date) times.push(dayMs(m.target_date));
  for (const m of d.moved_from) times.push(ms(m.first_due.utc));
  if (d.arc.closed) times.push(ms(d.arc.closed.utc));
  else times.push(nowMs);
  let start = Math.min(...times);
  let end = Math.max(...times);
  if (end - start < DAY) end = start + DAY;
  const margin = (end - start) * 0.03;
  start -= margin;
  end += margin;
  const inner = Math.max(1, width - left - PAD);
  const x = (t: number) => left + ((t - start) / (end - start)) * inner;

  const events = [...d.events].sort((a, b) => ms(a.at.utc) - ms(b.at.utc));
  const bandEnd = d.arc.closed ? ms(d.arc.closed.utc) : Math.max(end - margin, nowMs);
  const bands: Band[] = events.map((e, i) => {
    const next = events[i + 1];
    return { phase: e.to, x0: x(ms(e.at.utc)), x1: x(next ? ms(next.at.utc) : bandEnd) };
  });

  const marks: Mark[] = [];
  for (const s of d.sessions) {
    const at = s.started ?? s.scheduled;
    marks.push({
      lane: 'session', id: s.id, x: x(ms(at.utc)), state: s.status, dosing: s.kind === 'administration',
      label: `${s.kind} session, ${s.status.replace('_', ' ')}, ${at.local.replace('T', ' ')}`,
    });
  }
  for (const c of d.checkins) {
    const state = checkinState(c.status, ms(c.due.utc), nowMs);
    const at = c.resolved ?? c.due;
    marks.push({ lane: 'checkin', id: c.id, x: x(ms(at.utc)), state, label: `Check-in: ${c.purpose}, ${state}, ${at.local.replace('T', ' ')}` });
  }
  for (const r of measures) {
    const score = r.score.total === null ? 'no total' : `${fmt(r.score.total)}${r.score.band ? ` (${r.score.band})` : ''}`;
    marks.push({
      lane: 'measure', id: r.id, x: x(ms(r.administered.utc)), state: r.score.critical.length ? 'critical' : 'scored',
      label: `${r.measure_name} ${score}, ${timepointLabel(r.timepoint).toLowerCase()}, ${r.administered.local.replace('T', ' ')}`,
    });
  }
  for (const m of d.milestones) {
    const when = m.target_date ? dayMs(m.target_date) : ms((m.history.at(-1)?.at ?? d.arc.opened).utc);
    marks.push({ lane: 'milestone', id: m.id, x: x(when), state: m.status, label: `Milestone: ${m.title}, ${m.status.replace('_', ' ')}${m.target_date ? `, target ${m.target_date}` : ''}` });
  }
  const moves: Move[] = [];
  for (const m of d.moved_from) {
    const c = d.checkins.find((k) => k.id === m.checkin_id);
    if (!c) continue;
    moves.push({
      id: c.id, from: x(ms(m.first_due.utc)), to: x(ms(c.due.utc)),
      label: `Check-in: ${c.purpose}, moved from ${m.first_due.local.replace('T', ' ')} to ${c.due.local.replace('T', ' ')}`,
    });
  }
  const today = nowMs >= start && nowMs <= end ? x(nowMs) : null;
  return { width, bands, marks, moves, ticks: ticksBetween(start, end, x), today };
}

/** One sentence for the screen reader: what the picture shows. */
export function describeTimeline(d: ArcDetail, now: Date, measures: MeasureResponse[] = []): string {
  const nowMs = now.getTime();
  const count = (s: string) => d.checkins.filter((c) => checkinState(c.status, ms(c.due.utc), nowMs) === s).length;
  const dosing = d.sessions.filter((s) => s.kind === 'administration' && s.status === 'completed').length;
  return `Timeline: ${d.sessions.length} sessions (${dosing} dosing), check-ins ${count('completed')} done, ` +
    `${count('overdue')} overdue, ${count('due')} upcoming, ${count('skipped')} skipped; ${measures.length} measures given; ` +
    `${d.milestones.length} milestones` + (d.moved_from.length ? `; ${d.moved_from.length} check-ins moved from where they were first due.` : '.');
}
