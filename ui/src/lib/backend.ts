// The one module that talks to the Rust shell. Components call these typed functions, never
// `invoke` directly; every request and response type is generated from Rust (src/bindings).
import { Channel, invoke } from '@tauri-apps/api/core';
import type { BackupProgress } from '../bindings/BackupProgress';
import type { AuditEntry } from '../bindings/AuditEntry';
import type { AuditReport } from '../bindings/AuditReport';
import type { LockReason } from '../bindings/LockReason';
import type { SecuritySettings } from '../bindings/SecuritySettings';
import type { PastRetention } from '../bindings/PastRetention';
import type { CalendarRange } from '../bindings/CalendarRange';
import type { ExportDefaults } from '../bindings/ExportDefaults';
import type { Exported } from '../bindings/Exported';
import type { Manifest } from '../bindings/Manifest';
import type { ArcMeasures } from '../bindings/ArcMeasures';
import type { GiveMeasure } from '../bindings/GiveMeasure';
import type { Measure } from '../bindings/Measure';
import type { MeasureResponse } from '../bindings/MeasureResponse';
import type { PracticeOutcomes } from '../bindings/PracticeOutcomes';
import type { CohortFilter } from '../bindings/CohortFilter';
import type { GroupBy } from '../bindings/GroupBy';
import type { FhirExport } from '../bindings/FhirExport';
import type { OpenBackup } from '../bindings/OpenBackup';
import type { Replaced } from '../bindings/Replaced';
import type { AddCheckIn } from '../bindings/AddCheckIn';
import type { AdvanceArc } from '../bindings/AdvanceArc';
import type { Alert } from '../bindings/Alert';
import type { CheckIn } from '../bindings/CheckIn';
import type { CheckInDetail } from '../bindings/CheckInDetail';
import type { CompleteCheckIn } from '../bindings/CompleteCheckIn';
import type { Dashboard } from '../bindings/Dashboard';
import type { Milestone } from '../bindings/Milestone';
import type { MilestoneStatus } from '../bindings/MilestoneStatus';
import type { NewMilestone } from '../bindings/NewMilestone';
import type { Outreach } from '../bindings/Outreach';
import type { Plan } from '../bindings/Plan';
import type { PlanInput } from '../bindings/PlanInput';
import type { AppStatus } from '../bindings/AppStatus';
import type { StartupStage } from '../bindings/StartupStage';
import type { AutoBackupInput } from '../bindings/AutoBackupInput';
import type { AutoBackupSettings } from '../bindings/AutoBackupSettings';
import type { AutoOutcome } from '../bindings/AutoOutcome';
import type { BackupHealth } from '../bindings/BackupHealth';
import type { Arc } from '../bindings/Arc';
import type { ArcDetail } from '../bindings/ArcDetail';
import type { Phase } from '../bindings/Phase';
import type { PhaseArc } from '../bindings/PhaseArc';
import type { CompleteSession } from '../bindings/CompleteSession';
import type { ErrorCode } from '../bindings/ErrorCode';
import type { OpenArc } from '../bindings/OpenArc';
import type { Participant } from '../bindings/Participant';
import type { ParticipantDetail } from '../bindings/ParticipantDetail';
import type { ParticipantInput } from '../bindings/ParticipantInput';
import type { PracticeStatus } from '../bindings/PracticeStatus';
import type { ProfileInput } from '../bindings/ProfileInput';
import type { Profile } from '../bindings/Profile';
import type { ScheduleSession } from '../bindings/ScheduleSession';
import type { Session } from '../bindings/Session';
import type { NotificationEntry } from '../bindings/NotificationEntry';
import type { Document } from '../bindings/Document';
import type { DocumentDetail } from '../bindings/DocumentDetail';
import type { SaveDocument } from '../bindings/SaveDocument';
import type { ScreeningFlag } from '../bindings/ScreeningFlag';
import type { SearchHit } from '../bindings/SearchHit';
import type { SearchQuery } from '../bindings/SearchQuery';
import type { Template } from '../bindings/Template';
import type { TemplateSummary } from '../bindings/TemplateSummary';
import type { TemplateFile } from '../bindings/TemplateFile';
import type { TemplatePack } from '../bindings/TemplatePack';
import type { ReminderSettings } from '../bindings/ReminderSettings';

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
  encryption_unavailable: true, locked: true, storage: true, reason_required: true, timeline_exists: true,
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

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toBackendError(e);
  }
}

export const backend = {
  startupMark: (stage: StartupStage) => call<null>('startup_mark', { stage }),
  appStatus: () => call<AppStatus>('app_status'),
  setup: (profile: ProfileInput, passphrase: string) => call<AppStatus>('setup', { profile, passphrase }),
  unlock: (passphrase: string) => call<AppStatus>('unlock', { passphrase }),
  unlockWithPin: (pin: string) => call<AppStatus>('unlock_with_pin', { pin }),
  setUnlockPin: (passphrase: string, pin: string | null) => call<boolean>('set_unlock_pin', { passphrase, pin }),
  hasUnlockPin: () => call<boolean>('has_unlock_pin'),
  lock: (reason: LockReason) => call<AppStatus>('lock_practice', { reason }),
  auditEntries: (participantId: string | null, before: number | null, limit: number) =>
    call<AuditEntry[]>('audit_entries', { participantId, before, limit }),
  verifyAudit: () => call<AuditReport>('verify_audit'),
  reanchorAudit: () => call<AuditReport>('reanchor_audit'),
  securitySettings: () => call<SecuritySettings>('security_settings'),
  saveSecuritySettings: (input: SecuritySettings) => call<SecuritySettings>('save_security_settings', { input }),
  changePassphrase: (current: string, next: string) => call<null>('change_passphrase', { current, new: next }),
  rotateKey: (passphrase: string) => call<null>('rotate_key', { passphrase }),
  pastRetention: () => call<PastRetention[]>('past_retention'),
  purgeParticipant: (participantId: string, confirmName: string) => call<null>('purge_participant', { participantId, confirmName }),
  backupSettings: () => call<AutoBackupSettings>('backup_settings'),
  saveBackupSettings: (input: AutoBackupInput) => call<AutoBackupSettings>('save_backup_settings', { input }),
  backupNow: () => call<AutoOutcome>('backup_now'),
  backupHealth: () => call<BackupHealth>('backup_health'),
  verifyBackup: (open: OpenBackup, onProgress: (p: BackupProgress) => void) =>
    call<Manifest>('verify_backup', { open, progress: channel(onProgress) }),
  restoreBackup: (open: OpenBackup, recoveryPassphrase: string | null, onProgress: (p: BackupProgress) => void) =>
    call<Replaced>('restore_backup', { open, recoveryPassphrase, progress: channel(onProgress) }),
  restoreNewPractice: (open: OpenBackup, passphrase: string, onProgress: (p: BackupProgress) => void) =>
    call<AppStatus>('restore_new_practice', { open, passphrase, progress: channel(onProgress) }),
  measuresLibrary: () => call<Measure[]>('measures_library'),
  arcMeasures: (arcId: string) => call<ArcMeasures>('arc_measures', { arcId }),
  giveMeasure: (input: GiveMeasure) => call<MeasureResponse>('give_measure', { input }),
  withdrawMeasureResponse: (id: string, reason: string) => call<MeasureResponse>('withdraw_measure_response', { id, reason }),
  practiceOutcomes: (measure: string, filter: CohortFilter, by: GroupBy) =>
    call<PracticeOutcomes>('practice_outcomes', { measure, filter, by }),
  setArcApproaches: (arcId: string, tags: string[]) => call<string[]>('set_arc_approaches', { arcId, tags }),
  exportDefaults: () => call<ExportDefaults>('export_defaults'),
  exportRecord: (participantId: string, path: string) => call<Exported>('export_record', { participantId, path }),
  exportCsv: (folder: string, names: boolean) => call<Exported>('export_csv', { folder, names }),
  exportCalendar: (path: string, range: CalendarRange) => call<Exported>('export_calendar', { path, range }),
  exportFhir: (path: string, what: FhirExport) => call<Exported>('export_fhir', { path, what }),
  practiceStatus: () => call<PracticeStatus>('practice_status'),
  getProfile: () => call<Profile>('get_profile'),
  saveProfile: (input: ProfileInput) => call<Profile>('save_profile', { input }),

  listParticipants: () => call<Participant[]>('list_participants'),
  getParticipant: (id: string) => call<ParticipantDetail>('get_participant', { id }),
  addParticipant: (input: ParticipantInput) => call<Participant>('add_participant', { input }),
  editParticipant: (id: string, input: ParticipantInput) => call<Participant>('edit_participant', { id, input }),

  openArc: (input: OpenArc) => call<Arc>('open_arc', { input }),
  advanceArc: (id: string, change: AdvanceArc) => call<Arc>('advance_arc', { id, change }),
  getArc: (id: string) => call<ArcDetail>('get_arc', { id }),
  arcsInPhase: (phase: Phase) => call<PhaseArc[]>('arcs_in_phase', { phase }),

  scheduleSession: (input: ScheduleSession) => call<Session>('schedule_session', { input }),
  completeSession: (id: string, input: CompleteSession) => call<Session>('complete_session', { id, input }),
  cancelSession: (id: string, reason: string | null) => call<Session>('cancel_session', { id, reason }),
  markNoShow: (id: string, reason: string | null) => call<Session>('mark_no_show', { id, reason }),

  /** Today; with `first`, each list cut to its first rows (`totals` counts them all). */
  dashboard: (first: number | null = null) => call<Dashboard>('dashboard', { first }),
  listPlans: () => call<Plan[]>('list_plans'),
  savePlan: (id: string | null, input: PlanInput) => call<Plan>('save_plan', { id, input }),
  setArcPlan: (arcId: string, planId: string | null) => call<null>('set_arc_plan', { arcId, planId }),

  getCheckin: (id: string) => call<CheckInDetail>('get_checkin', { id }),
  completeCheckin: (id: string, input: CompleteCheckIn) => call<CheckIn>('complete_checkin', { id, input }),
  skipCheckin: (id: string, reason: string) => call<CheckIn>('skip_checkin', { id, reason }),
  rescheduleCheckin: (id: string, at: string, reason: string | null) => call<CheckIn>('reschedule_checkin', { id, at, reason }),
  addCheckin: (input: AddCheckIn) => call<CheckIn>('add_checkin', { input }),
  outreach: (id: string) => call<Outreach>('checkin_outreach', { id }),
  openOutreachInMail: (id: string) => call<null>('open_outreach_in_mail', { id }),

  addMilestone: (input: NewMilestone) => call<Milestone>('add_milestone', { input }),
  setMilestoneStatus: (id: string, status: MilestoneStatus, note: string | null) =>
    call<Milestone>('set_milestone_status', { id, status, note }),

  listAlerts: (all: boolean) => call<Alert[]>('list_alerts', { all }),
  acknowledgeAlert: (key: string) => call<null>('acknowledge_alert', { key }),
  snoozeAlert: (key: string, until: string) => call<null>('snooze_alert', { key, until }),

  notifications: () => call<NotificationEntry[]>('notifications'),
  unreadNotifications: () => call<number>('unread_notifications'),
  markNotificationsRead: () => call<number>('mark_notifications_read'),
  reminderSettings: () => call<ReminderSettings>('reminder_settings'),
  saveReminderSettings: (settings: ReminderSettings) => call<ReminderSettings>('save_reminder_settings', { settings }),
  runRemindersNow: () => call<null>('run_reminders_now'),

  listTemplates: () => call<TemplateSummary[]>('list_templates'),
  getTemplate: (id: string) => call<Template>('get_template', { id }),
  saveTemplate: (file: TemplateFile) => call<Template>('save_template', { file }),
  copyTemplate: (id: string, name: string) => call<Template>('copy_template', { id, name }),
  listTemplatePacks: () => call<TemplatePack[]>('list_template_packs'),
  setTemplatePack: (id: string, enabled: boolean) => call<TemplatePack>('set_template_pack', { id, enabled }),
  checkinDocument: (checkinId: string) => call<DocumentDetail>('checkin_document', { checkinId }),
  sessionDocument: (sessionId: string, templateId: string | null) =>
    call<DocumentDetail>('session_document', { sessionId, templateId }),
  addDocument: (input: SaveDocument) => call<DocumentDetail>('add_document', { input }),
  saveDraft: (id: string, answers: Record<string, unknown>) => call<DocumentDetail>('save_draft', { id, answers }),
  signDocument: (id: string) => call<DocumentDetail>('sign_document', { id }),
  amendDocument: (id: string, changes: Record<string, unknown>, reason: string) =>
    call<DocumentDetail>('amend_document', { id, changes, reason }),
  withdrawConsent: (id: string, reason: string) => call<DocumentDetail>('withdraw_consent', { id, reason }),
  getDocument: (id: string) => call<DocumentDetail>('get_document', { id }),
  listDocuments: (arcId: string) => call<Document[]>('list_documents', { arcId }),
  listScreeningFlags: (arcId: string) => call<ScreeningFlag[]>('list_screening_flags', { arcId }),
  acknowledgeFlag: (id: string, reason: string) => call<null>('acknowledge_flag', { id, reason }),
  search: (query: SearchQuery) => call<SearchHit[]>('search', { query }),
};

/** Events the shell sends: the unread count changed; a notification was clicked (show what is due). */
export const REMINDERS_CHANGED = 'reminders://changed';
export const REMINDERS_OPEN = 'reminders://open';
/** The shell asks the window to lock (payload: the LockReason): the computer sleeps or the screen locked. */
export const LOCK_REQUESTED = 'practice://lock-requested';
/** The shell locked by itself (payload: { status, reason }). */
export const LOCKED = 'practice://locked';
