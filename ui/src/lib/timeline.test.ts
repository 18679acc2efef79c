import { describe, expect, it } from 'vitest';
import { describeTimeline, layoutTimeline, PAD, ticksBetween } from './timeline';
import type { MeasureResponse } from '../bindings/MeasureResponse';
import type { ArcDetail } from '../bindings/ArcDetail';
import type { CheckIn } from '../bindings/CheckIn';

const z = (utc: string) => ({ utc, zone: 'UTC', local: utc.slice(0, 16) });
const checkin = (id: string, due: string, status: CheckIn['status'], resolved: string | null = null): CheckIn => ({
  id, arc_id: 'a1', participant_id: 'p1', participant_name: 'Ilse Varga', series: 1, step: 1, offset: null,
  purpose: `step ${id}`, prompts: [], measures: [], reassessment: false, due: z(due), status, resolved: resolved ? z(resolved) : null, note_id: null, skip_reason: null,
});

const arc: ArcDetail = {
  arc: { id: 'a1', participant_id: 'p1', intention: null, phase: 'integration', opened: z('2026-10-01T09:00:00Z'), closed: null },
  participant_name: 'Ilse Varga',
  events: [
    { from: null, to: 'inquiry', at: z('2026-10-01T09:00:00Z'), reason: null },
    { from: 'inquiry', to: 'preparation', at: z('2026-10-05T09:00:00Z'), reason: null },
    { from: 'preparation', to: 'integration', at: z('2026-11-01T16:00:00Z'), reason: 'administration session completed' },
  ],
  sessions: [{ id: 's1', arc_id: 'a1', kind: 'administration', status: 'completed', scheduled: z('2026-11-01T09:00:00Z'),
    started: z('2026-11-01T09:00:00Z'), ended: z('2026-11-01T16:00:00Z'), location: null, status_reason: null }],
  plan_name: 'Standard integration', plan_id: null,
  checkins: [
    checkin('c1', '2026-11-02T16:00:00Z', 'completed', '2026-11-02T17:00:00Z'),
    checkin('c2', '2026-11-04T09:00:00Z', 'skipped', '2026-11-04T10:00:00Z'),
    checkin('c3', '2026-11-08T09:00:00Z', 'due'),
    checkin('c4', '2026-12-15T09:00:00Z', 'due'),
  ],
  milestones: [{ id: 'm1', arc_id: 'a1', title: 'Walk at dawn', category: 'nature', target_date: '2026-12-20', status: 'planned', history: [] }],
  approaches: [],
  integration: null,
  pause: null,
  schedule_changes: [],
  moved_from: [],
};

describe('the arc timeline', () => {
  const now = new Date('2026-11-20T12:00:00Z');
  const t = layoutTimeline(arc, now, 1000);

  it('places everything inside the picture, in time order', () => {
    const xs = t.marks.map((m) => m.x);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(PAD);
    expect(Math.max(...xs)).toBeLessThanOrEqual(1000 - PAD);
    const c = t.marks.filter((m) => m.lane === 'checkin').map((m) => m.x);
    expect([...c].sort((a, b) => a - b)).toEqual(c);
    const session = t.marks.find((m) => m.lane === 'session')!;
    expect(session.dosing).toBe(true);
    expect(session.x).toBeLessThan(c[0]!);
    expect(t.today).not.toBeNull();
    expect(t.today!).toBeGreaterThan(c[2]!);
    expect(t.today!).toBeLessThan(c[3]!);
  });

  it('tells done, skipped, overdue and upcoming check-ins apart by the clock', () => {
    expect(t.marks.filter((m) => m.lane === 'checkin').map((m) => m.state)).toEqual(['completed', 'skipped', 'overdue', 'due']);
    const earlier = layoutTimeline(arc, new Date('2026-11-05T00:00:00Z'), 1000);
    expect(earlier.marks.find((m) => m.id === 'c3')!.state, 'not yet due then').toBe('due');
  });

  it('draws one band per phase, each ending where the next begins', () => {
    expect(t.bands.map((b) => b.phase)).toEqual(['inquiry', 'preparation', 'integration']);
    expect(t.bands[0]!.x1).toBeCloseTo(t.bands[1]!.x0);
    expect(t.bands[2]!.x1).toBeGreaterThan(t.today!);
  });

  it('ticks months over a long arc and days over a short one', () => {
    expect(t.ticks.map((k) => k.label)).toEqual(['Oct 2026', 'Nov 2026', 'Dec 2026']);
    const x = (v: number) => v;
    const days = ticksBetween(Date.parse('2026-11-01T00:00:00Z'), Date.parse('2026-11-05T00:00:00Z'), x);
    expect(days.map((k) => k.label)).toEqual(['1 Nov', '2 Nov', '3 Nov', '4 Nov', '5 Nov']);
    const weeks = ticksBetween(Date.parse('2026-11-01T00:00:00Z'), Date.parse('2026-12-01T00:00:00Z'), x);
    expect(weeks.map((k) => new Date(k.x).getUTCDay())).toEqual(weeks.map(() => 1));
  });

  it('says what it shows in words', () => {
    expect(describeTimeline(arc, now)).toBe(
      'Timeline: 1 sessions (1 dosing), check-ins 1 done, 1 overdue, 1 upcoming, 1 skipped; 0 measures given; 1 milestones.',
    );
  });

  it('draws a moved check-in at its new time with a trace back to where it was', () => {
    const moved: ArcDetail = { ...arc, moved_from: [{ checkin_id: 'c4', first_due: z('2026-12-01T09:00:00Z') }] };
    const l = layoutTimeline(moved, now, 1000);
    expect(l.moves).toHaveLength(1);
    const mark = l.marks.find((m) => m.id === 'c4')!;
    expect(l.moves[0]!.to).toBeCloseTo(mark.x);
    expect(l.moves[0]!.from).toBeLessThan(l.moves[0]!.to);
    expect(l.moves[0]!.label).toBe('Check-in: step c4, moved from 2026-12-01 09:00 to 2026-12-15 09:00');
    expect(describeTimeline(moved, now)).toContain('1 check-ins moved');
    expect(t.moves, 'nothing moved, nothing traced').toEqual([]);
  });

  it('puts each measure given on its own lane, at its time, with its score and a critical one marked', () => {
    const given = (id: string, utc: string, total: number | null, band: string | null, critical: boolean): MeasureResponse => ({
      id, arc_id: 'a1', participant_id: 'p1', participant_name: 'Ilse Varga', measure: 'phq9', measure_name: 'PHQ-9',
      measure_version: 1, timepoint: 'follow_up', administered: z(utc), checkin_id: null, session_id: null, answers: {},
      score: {
        total, prorated: false, answered: 9, items: 9, band, note: null,
        critical: critical ? [{ item: '9', text: 'Thoughts…', value: 1, answer: 'Several days', action: 'ask' }] : [],
      },
      withdrawn: null, withdrawn_reason: null, packet_id: null,
    });
    const measures = [given('r1', '2026-10-20T09:00:00Z', 14, 'Moderate', false), given('r2', '2026-11-10T09:00:00Z', 6, 'Mild', true)];
    const l = layoutTimeline(arc, now, 1000, measures);
    const marks = l.marks.filter((m) => m.lane === 'measure');
    expect(marks.map((m) => [m.id, m.state])).toEqual([['r1', 'scored'], ['r2', 'critical']]);
    expect(marks[0]!.x).toBeLessThan(marks[1]!.x);
    expect(marks[0]!.label).toBe('PHQ-9 14 (Moderate), follow-up, 2026-10-20 09:00');
    expect(describeTimeline(arc, now, measures)).toContain('2 measures given');
  });
});
