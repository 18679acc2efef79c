// The one module that talks to the Rust shell. Components call these typed functions, never
// `invoke` directly; every request and response type is generated from Rust (src/bindings).
import { Channel, invoke } from '@tauri-apps/api/core';
import type { BackupProgress } from '../bindings/BackupProgress';
import type { LockReason } from '../bindings/LockReason';
import type { SecuritySettings } from '../bindings/SecuritySettings';
import type { CalendarRange } from '../bindings/CalendarRange';
import type { GiveMeasure } from '../bindings/GiveMeasure';
import type { CohortFilter } from '../bindings/CohortFilter';
import type { GroupBy } from '../bindings/GroupBy';
import type { FhirExport } from '../bindings/FhirExport';
import type { MakePacket } from '../bindings/MakePacket';
import type { OpenBackup } from '../bindings/OpenBackup';
import type { AddCheckIn } from '../bindings/AddCheckIn';
import type { AdvanceArc } from '../bindings/AdvanceArc';
import type { CompleteCheckIn } from '../bindings/CompleteCheckIn';
import type { MilestoneStatus } from '../bindings/MilestoneStatus';
import type { NewMilestone } from '../bindings/NewMilestone';
import type { PlanInput } from '../bindings/PlanInput';
import type { StartupStage } from '../bindings/StartupStage';
import type { AutoBackupInput } from '../bindings/AutoBackupInput';
import type { Phase } from '../bindings/Phase';
import type { CompleteSession } from '../bindings/CompleteSession';
import type { Commands } from '../bindings/commands';
import type { Offset } from '../bindings/Offset';
import type { ErrorCode } from '../bindings/ErrorCode';
import type { OpenArc } from '../bindings/OpenArc';
import type { ParticipantInput } from '../bindings/ParticipantInput';
import type { ProfileInput } from '../bindings/ProfileInput';
import type { ScheduleSession } from '../bindings/ScheduleSession';
import type { SaveDocument } from '../bindings/SaveDocument';
import type { SearchQuery } from '../bindings/SearchQuery';
import type { TemplateFile } from '../bindings/TemplateFile';
import type { ReminderSettings } from '../bindings/ReminderSettings';
import type { RetreatInput } from '../bindings/RetreatInput';
import type { GroupDosing } from '../bindings/GroupDosing';
import type { EndDosingDay } from '../bindings/EndDosingDay';
import type { RosterColumns } from '../bindings/RosterColumns';
import type { Privacy } from '../bindings/Privacy';
import type { Resume } from '../bindings/Resume';
import type { AddSeries } from '../bindings/AddSeries';

/** An error from the backend, with the closed code the UI branches on. */
export class BackendError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'BackendError';
    this.code = code;
  }
}

// Every code the core can send: a record keyed by the generated `ErrorCode`, so the type check
// fails when the Rust enum gains a code this list lacks (or loses one it has).
const KNOWN: Record<ErrorCode, true> = {
  invalid_input: true, not_found: true, conflict: true, not_initialized: true, already_initialized: true,
  passphrase_required: true, wrong_passphrase: true, not_arcwell_database: true, newer_database: true,
  encryption_unavailable: true, locked: true, storage: true, file_damaged: true, records_damaged: true,
  reason_required: true, timeline_exists: true,
  no_default_plan: true, record_not_exported: true, pack_off: true, shipped_template: true,
};
const CODES = Object.keys(KNOWN) as ErrorCode[];

/** Turns whatever `invoke` rejected with into a BackendError. */
export function toBackendError(e: unknown): BackendError {
  if (typeof e === 'object' && e !== null && 'code' in e && 'message' in e) {
    const { code, message } = e as { code: unknown; message: unknown };
    if (typeof code === 'string' && (CODES as readonly string[]).includes(code) && typeof message === 'string') {
      return new BackendError(code as ErrorCode, message);
    }
  }
  // Tauri's own failures (a malformed argument, a missing command) arrive as plain strings.
  const message = typeof e === 'string' ? e : e instanceof Error ? e.message : 'Something went wrong in the app.';
  return new BackendError('storage', message);
}

/** A channel the core reports progress on while a long command runs. */
function channel<T>(onMessage: (m: T) => void): Channel<T> {
  const c = new Channel<T>();
  c.onmessage = onMessage;
  return c;
}

type Name = keyof Commands;
type Args<K extends Name> = Commands[K]['args'];

/** Calls a command by its registered name; its arguments and result are typed from the Rust
 *  signature (bindings/commands.ts), so a renamed command or argument fails the type check. */
async function call<K extends Name>(
  command: K,
  ...args: Args<K> extends Record<string, never> ? [] : [Args<K>]
): Promise<Commands[K]['returns']> {
  try {
    return await invoke<Commands[K]['returns']>(command, args[0]);
  } catch (e) {
    throw toBackendError(e);
  }
}

export const backend = {
  startupMark: (stage: StartupStage) => call('startup_mark', { stage }),
  appStatus: (first: number | null) => call('app_status', { first }),
  setup: (profile: ProfileInput, passphrase: string) => call('setup', { profile, passphrase }),
  unlock: (passphrase: string) => call('unlock', { passphrase }),
  unlockWithPin: (pin: string) => call('unlock_with_pin', { pin }),
  setUnlockPin: (passphrase: string, pin: string | null) => call('set_unlock_pin', { passphrase, pin }),
  hasUnlockPin: () => call('has_unlock_pin'),
  lock: (reason: LockReason) => call('lock_practice', { reason }),
  auditEntries: (participantId: string | null, before: number | null, limit: number) =>
    call('audit_entries', { participantId, before, limit }),
  verifyAudit: () => call('verify_audit'),
  reanchorAudit: () => call('reanchor_audit'),
  securitySettings: () => call('security_settings'),
  saveSecuritySettings: (input: SecuritySettings) => call('save_security_settings', { input }),
  changePassphrase: (current: string, next: string) => call('change_passphrase', { current, new: next }),
  rotateKey: (passphrase: string) => call('rotate_key', { passphrase }),
  repairPracticeFile: (passphrase: string) => call('repair_practice_file', { passphrase }),
  pastRetention: () => call('past_retention'),
  purgeParticipant: (participantId: string, confirmName: string) => call('purge_participant', { participantId, confirmName }),
  backupSettings: () => call('backup_settings'),
  saveBackupSettings: (input: AutoBackupInput) => call('save_backup_settings', { input }),
  backupNow: () => call('backup_now'),
  backupHealth: () => call('backup_health'),
  verifyBackup: (open: OpenBackup, onProgress: (p: BackupProgress) => void) =>
    call('verify_backup', { open, progress: channel(onProgress) }),
  restoreBackup: (open: OpenBackup, recoveryPassphrase: string | null, onProgress: (p: BackupProgress) => void) =>
    call('restore_backup', { open, recoveryPassphrase, progress: channel(onProgress) }),
  restoreNewPractice: (open: OpenBackup, passphrase: string, onProgress: (p: BackupProgress) => void) =>
    call('restore_new_practice', { open, passphrase, progress: channel(onProgress) }),
  measuresLibrary: () => call('measures_library'),
  arcMeasures: (arcId: string) => call('arc_measures', { arcId }),
  giveMeasure: (input: GiveMeasure) => call('give_measure', { input }),
  withdrawMeasureResponse: (id: string, reason: string) => call('withdraw_measure_response', { id, reason }),
  /**
   * The Outcomes screen in one reading: outcomes overall and by group, engagement, what predicts
   * change (each arc's covariates for the scatter) and each plan step's timeline with its suggestion.
   */
  practiceInsight: (measure: string, filter: CohortFilter, by: GroupBy) =>
    call('practice_insight', { measure, filter, by }),
  movePlanStep: (planId: string, step: number, offset: Offset) => call('move_plan_step', { planId, step, offset }),
  setArcApproaches: (arcId: string, tags: string[]) => call('set_arc_approaches', { arcId, tags }),
  exportDefaults: () => call('export_defaults'),
  exportRecord: (participantId: string, path: string) => call('export_record', { participantId, path }),
  exportCsv: (folder: string, names: boolean) => call('export_csv', { folder, names }),
  exportCalendar: (path: string, range: CalendarRange) => call('export_calendar', { path, range }),
  exportFhir: (path: string, what: FhirExport) => call('export_fhir', { path, what }),
  packetMake: (input: MakePacket, path: string) => call('packet_make', { input, path }),
  packetImport: (path: string) => call('packet_import', { path }),
  arcPackets: (arcId: string) => call('arc_packets', { arcId }),
  practiceStatus: () => call('practice_status'),
  getProfile: () => call('get_profile'),
  saveProfile: (input: ProfileInput) => call('save_profile', { input }),

  listParticipants: () => call('list_participants'),
  getParticipant: (id: string) => call('get_participant', { id }),
  addParticipant: (input: ParticipantInput) => call('add_participant', { input }),
  editParticipant: (id: string, input: ParticipantInput) => call('edit_participant', { id, input }),

  openArc: (input: OpenArc) => call('open_arc', { input }),
  advanceArc: (id: string, change: AdvanceArc) => call('advance_arc', { id, change }),
  getArc: (id: string) => call('get_arc', { id }),
  arcsInPhase: (phase: Phase) => call('arcs_in_phase', { phase }),

  scheduleSession: (input: ScheduleSession) => call('schedule_session', { input }),
  completeSession: (id: string, input: CompleteSession) => call('complete_session', { id, input }),
  cancelSession: (id: string, reason: string | null) => call('cancel_session', { id, reason }),
  markNoShow: (id: string, reason: string | null) => call('mark_no_show', { id, reason }),

  /** Today; with `first`, each list cut to its first rows (`totals` counts them all). */
  dashboard: (first: number | null = null) => call('dashboard', { first }),
  listPlans: () => call('list_plans'),
  savePlan: (id: string | null, input: PlanInput) => call('save_plan', { id, input }),
  setArcPlan: (arcId: string, planId: string | null) => call('set_arc_plan', { arcId, planId }),

  getCheckin: (id: string) => call('get_checkin', { id }),
  completeCheckin: (id: string, input: CompleteCheckIn) => call('complete_checkin', { id, input }),
  skipCheckin: (id: string, reason: string) => call('skip_checkin', { id, reason }),
  rescheduleCheckin: (id: string, at: string, reason: string | null) => call('reschedule_checkin', { id, at, reason }),
  addCheckin: (input: AddCheckIn) => call('add_checkin', { input }),
  outreach: (id: string) => call('checkin_outreach', { id }),
  openOutreachInMail: (id: string) => call('open_outreach_in_mail', { id }),

  addMilestone: (input: NewMilestone) => call('add_milestone', { input }),
  setMilestoneStatus: (id: string, status: MilestoneStatus, note: string | null) =>
    call('set_milestone_status', { id, status, note }),

  listAlerts: (all: boolean) => call('list_alerts', { all }),
  acknowledgeAlert: (key: string) => call('acknowledge_alert', { key }),
  snoozeAlert: (key: string, until: string) => call('snooze_alert', { key, until }),

  notifications: () => call('notifications'),
  unreadNotifications: () => call('unread_notifications'),
  markNotificationsRead: () => call('mark_notifications_read'),
  reminderSettings: () => call('reminder_settings'),
  saveReminderSettings: (settings: ReminderSettings) => call('save_reminder_settings', { settings }),
  runRemindersNow: () => call('run_reminders_now'),

  listTemplates: () => call('list_templates'),
  getTemplate: (id: string) => call('get_template', { id }),
  saveTemplate: (file: TemplateFile) => call('save_template', { file }),
  copyTemplate: (id: string, name: string) => call('copy_template', { id, name }),
  listTemplatePacks: () => call('list_template_packs'),
  setTemplatePack: (id: string, enabled: boolean) => call('set_template_pack', { id, enabled }),
  checkinDocument: (checkinId: string) => call('checkin_document', { checkinId }),
  sessionDocument: (sessionId: string, templateId: string | null) =>
    call('session_document', { sessionId, templateId }),
  addDocument: (input: SaveDocument) => call('add_document', { input }),
  saveDraft: (id: string, answers: Record<string, unknown>) => call('save_draft', { id, answers }),
  signDocument: (id: string) => call('sign_document', { id }),
  amendDocument: (id: string, changes: Record<string, unknown>, reason: string) =>
    call('amend_document', { id, changes, reason }),
  withdrawConsent: (id: string, reason: string) => call('withdraw_consent', { id, reason }),
  getDocument: (id: string) => call('get_document', { id }),
  listDocuments: (arcId: string) => call('list_documents', { arcId }),
  listScreeningFlags: (arcId: string) => call('list_screening_flags', { arcId }),
  acknowledgeFlag: (id: string, reason: string) => call('acknowledge_flag', { id, reason }),
  search: (query: SearchQuery) => call('search', { query }),

  listRetreats: () => call('list_retreats'),
  createRetreat: (input: RetreatInput) => call('create_retreat', { input }),
  editRetreat: (id: string, input: RetreatInput) => call('edit_retreat', { id, input }),
  retreatView: (id: string) => call('retreat_view', { id }),
  addRetreatMembers: (id: string, arcs: string[]) => call('add_retreat_members', { id, arcs }),
  removeRetreatMember: (id: string, arcId: string) => call('remove_retreat_member', { id, arcId }),
  scheduleGroupDosing: (input: GroupDosing) => call('schedule_group_dosing', { input }),
  /** The group dosing day: each session gets its record if it has none, then the grid. */
  openDosingDay: (id: string, day: string) => call('open_dosing_day', { id, day }),
  dosingDayGrid: (id: string, day: string) => call('dosing_day_grid', { id, day }),
  /** One timed entry (vitals, an observation, a dose, an adverse event) added to a draft record. */
  recordNow: (documentId: string, group: string, entry: Record<string, unknown>) =>
    call('record_now', { documentId, group, entry }),
  endDosingDay: (input: EndDosingDay) => call('end_dosing_day', { input }),
  exportRetreatCalendar: (id: string, path: string, days: number, privacy: Privacy) =>
    call('export_retreat_calendar', { id, path, days, privacy }),
  exportRetreatRoster: (id: string, path: string, columns: RosterColumns) =>
    call('export_retreat_roster', { id, path, columns }),

  shiftArc: (arcId: string, days: number, reason: string | null) => call('shift_arc', { arcId, days, reason }),
  pauseArc: (arcId: string, until: string | null, reason: string | null) => call('pause_arc', { arcId, until, reason }),
  resumeArc: (arcId: string, how: Resume) => call('resume_arc', { arcId, how }),
  switchArcPlan: (arcId: string, planId: string | null, reason: string | null) =>
    call('switch_arc_plan', { arcId, planId, reason }),
  addCheckinSeries: (input: AddSeries) => call('add_checkin_series', { input }),
};

/** Events the shell sends: the unread count changed; a notification was clicked (show what is due). */
export const REMINDERS_CHANGED = 'reminders://changed';
export const REMINDERS_OPEN = 'reminders://open';
/** The shell asks the window to lock (payload: the LockReason): the computer sleeps or the screen locked. */
export const LOCK_REQUESTED = 'practice://lock-requested';
/** The shell locked by itself (payload: { status, reason }). */
export const LOCKED = 'practice://locked';
