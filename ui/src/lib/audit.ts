// The audit trail screen's words for an entry and for a verification report.
import type { AuditEntry } from '../bindings/AuditEntry';
import type { AuditReport } from '../bindings/AuditReport';

const ENTITY: Record<string, string> = {
  practice: 'the practice',
  profile: 'your profile',
  settings: 'settings',
  participant: 'participant',
  arc: 'arc',
  session: 'session',
  checkin: 'check-in',
  milestone: 'milestone',
  document: 'document',
  measure_response: 'measure response',
  plan: 'follow-up plan',
  template: 'template',
  alert: 'alert',
  notification: 'notification',
  backup: 'backup',
  export: 'export',
};

const ACTION: Record<string, string> = {
  create: 'Created',
  update: 'Changed',
  sign: 'Signed',
  amend: 'Amended',
  withdraw: 'Withdrew',
  acknowledge: 'Acknowledged',
  delete: 'Deleted',
  export: 'Exported',
  backup: 'Backed up',
  restore: 'Restored',
  unlock: 'Unlocked',
  unlock_failed: 'Failed unlock',
  lock: 'Locked',
  rekey: 'Re-keyed',
  passphrase_change: 'Changed the recovery passphrase',
  purge: 'Purged',
  repair: 'Repaired the practice file',
};

/** "Signed document (administration)" — what an entry says, without ids. */
export function describe(e: AuditEntry): string {
  const action = ACTION[e.action] ?? e.action;
  const selfDescribing = ['unlock', 'unlock_failed', 'lock', 'backup', 'restore', 'rekey', 'passphrase_change', 'repair'];
  const what = selfDescribing.includes(e.action) || e.entity === 'export' ? '' : ` ${ENTITY[e.entity] ?? e.entity}`;
  return `${action}${what}${e.detail ? ` (${e.detail})` : ''}`;
}

/** The one line a verification ends with. */
export function verdict(r: AuditReport): string {
  const first = r.problems[0];
  if (!first) {
    return `Intact: ${r.entries} entries, every hash checks${r.anchored ? '' : ' (no head file to check the end against)'}.`;
  }
  return `Not intact: ${r.problems.length} ${r.problems.length === 1 ? 'problem' : 'problems'} in ${r.entries} entries, the first at entry ${first.seq}. Keep this practice and its backups as they are.`;
}
