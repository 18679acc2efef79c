// Words and dates as the facilitator reads them.
import type { Phase } from '../bindings/Phase';
import type { SessionKind } from '../bindings/SessionKind';
import type { SessionStatus } from '../bindings/SessionStatus';
import type { Lateness } from '../bindings/Lateness';
import type { AlertKind } from '../bindings/AlertKind';

export const PATH: Phase[] = ['inquiry', 'preparation', 'administration', 'integration', 'completion'];
export const EXITS: Phase[] = ['withdrawn', 'referred_out'];

const PHASE_LABELS: Record<Phase, string> = {
  inquiry: 'Inquiry',
  preparation: 'Preparation',
  administration: 'Administration',
  integration: 'Integration',
  completion: 'Completion',
  withdrawn: 'Withdrawn',
  referred_out: 'Referred out',
};

export const phaseLabel = (p: Phase): string => PHASE_LABELS[p];

export const isClosed = (p: Phase): boolean => p === 'completion' || EXITS.includes(p);

/** Whether moving from one phase to another needs a reason (mirrors the core's rule; the core decides). */
export function needsReason(from: Phase, to: Phase): boolean {
  const a = PATH.indexOf(from);
  const b = PATH.indexOf(to);
  return b < 0 || a < 0 || b !== a + 1;
}

export const KINDS: SessionKind[] = ['consultation', 'preparation', 'administration', 'integration'];

const KIND_LABELS: Record<SessionKind, string> = {
  consultation: 'Consultation',
  preparation: 'Preparation',
  administration: 'Administration (dosing)',
  integration: 'Integration',
};
export const kindLabel = (k: SessionKind): string => KIND_LABELS[k];

const STATUS_LABELS: Record<SessionStatus, string> = {
  scheduled: 'Scheduled',
  completed: 'Completed',
  cancelled: 'Cancelled',
  no_show: 'No-show',
};
export const statusLabel = (s: SessionStatus): string => STATUS_LABELS[s];

/** `2026-11-25T14:30` → `Wed 25 Nov 2026, 14:30` (the wall-clock time it was entered in). */
export function wallClock(local: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) return local;
  const [, y, mo, d, h, mi] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  return `${dayFormat().format(date)}, ${h}:${mi}`;
}

// One formatter for every date shown: `toLocaleDateString` builds a new one (ICU's patterns and all)
// on each call, which Today's first rows paid for dozens of times before it could be painted.
let days: Intl.DateTimeFormat | null = null;
function dayFormat(): Intl.DateTimeFormat {
  days ??= new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  return days;
}

/**
 * An instant as `YYYY-MM-DDTHH:MM` on the wall clock of `zone` (the facilitator's, which the core
 * reads un-offset times in), whatever this computer's own zone is. An unknown zone falls back to
 * this computer's.
 */
export function inZone(instant: Date, zone: string): string {
  let parts: Intl.DateTimeFormatPart[];
  const opts: Intl.DateTimeFormatOptions = {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  };
  try {
    parts = new Intl.DateTimeFormat('en-CA', { ...opts, timeZone: zone }).formatToParts(instant);
  } catch {
    parts = new Intl.DateTimeFormat('en-CA', opts).formatToParts(instant);
  }
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

/** A stored answer time (UTC, RFC 3339 with `Z`) as a datetime-local value in `zone`; a value typed but not yet saved stays as typed. */
export function zonedInput(v: unknown, zone: string): string {
  if (typeof v !== 'string' || v === '') return '';
  if (!v.endsWith('Z')) return v.slice(0, 16);
  return inZone(new Date(v), zone);
}

/** Trims a form value; blank becomes undefined so the core stores it as absent. */
export function optional(v: string): string | undefined {
  const t = v.trim();
  return t === '' ? undefined : t;
}

import type { IntegrationStatus } from '../bindings/IntegrationStatus';
import type { MilestoneStatus } from '../bindings/MilestoneStatus';
import type { Offset } from '../bindings/Offset';

const INTEGRATION_LABELS: Record<IntegrationStatus, string> = {
  on_track: 'On track',
  due_soon: 'Check-in due soon',
  overdue: 'Overdue',
  stalled: 'Stalled',
  ready_to_complete: 'Ready to complete',
  completed: 'Completed',
  paused: 'Paused',
};
export const integrationLabel = (s: IntegrationStatus): string => INTEGRATION_LABELS[s];

/** The early warnings' kinds, as `AlertKind::is_early_warning` says in the core. */
export const EARLY_WARNINGS: AlertKind[] = ['deterioration', 'wellbeing_falling', 'milestone_lapsed', 'milestone_past_target', 'at_risk_of_stalling'];
const ALERT_KIND_LABELS: Record<AlertKind, string> = {
  overdue_checkin: 'Overdue',
  stalled: 'Stalled',
  ready_to_complete: 'Ready to complete',
  critical_answer: 'Critical answer',
  document_answer: 'Needs action',
  deterioration: 'Worse than baseline',
  wellbeing_falling: 'Wellbeing falling',
  milestone_lapsed: 'Milestone lapsed',
  milestone_past_target: 'Milestone past its date',
  at_risk_of_stalling: 'At risk of stalling',
};
export const alertKindLabel = (k: AlertKind): string => ALERT_KIND_LABELS[k];

export const MILESTONE_STATUSES: MilestoneStatus[] = ['planned', 'in_progress', 'achieved', 'maintaining', 'lapsed'];
const MILESTONE_LABELS: Record<MilestoneStatus, string> = {
  planned: 'Planned',
  in_progress: 'In progress',
  achieved: 'Achieved',
  maintaining: 'Maintaining',
  lapsed: 'Lapsed',
};
export const milestoneLabel = (s: MilestoneStatus): string => MILESTONE_LABELS[s];

export const CATEGORIES = ['mind', 'body', 'spirit', 'lifestyle', 'relationships', 'nature'];

/** `{ amount: 24, unit: 'hours' }` → `24 hours`; ad-hoc check-ins have none. */
export function offsetLabel(o: Offset | null): string {
  if (!o) return 'Ad hoc';
  const unit = o.amount === 1 ? o.unit.replace(/s$/, '') : o.unit;
  return `${o.amount} ${unit}`;
}

const LATE_LABELS: Record<Lateness, string> = {
  not_running: 'came due while Arcwell was closed',
  quiet_hours: 'held through quiet hours',
  asleep: 'came due while the computer was asleep',
};
/** Why a reminder arrived after its due time. */
export const lateLabel = (l: Lateness): string => LATE_LABELS[l];
