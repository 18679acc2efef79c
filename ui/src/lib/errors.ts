// One way for every screen to turn a failed backend call into the words it shows. The core's
// messages name no CLI flag and no button; the app adds its own next step from the error's code
// (the CLI does the same with its flags, in src/bin/arcwell/advice.rs). No screen reads the
// English of a message to decide anything: it branches on `code`.
import type { ErrorCode } from '../bindings/ErrorCode';
import { toBackendError } from './backend';

/** The app's next step for each code whose message does not say enough on its own. */
export const ADVICE: Partial<Record<ErrorCode, string>> = {
  reason_required: 'Fill in the reason.',
  timeline_exists: 'Choose whether to move the check-ins still due to this session or to add a new series.',
  no_default_plan: 'Tick "Make this the default plan" on a plan under Settings → Follow-up plans.',
  record_not_exported: 'Use "Printable record…" on their page first.',
  pack_off: 'Turn the pack on under Templates → Jurisdiction packs.',
  shipped_template: 'Copy it under Templates and edit the copy.',
  passphrase_required: 'Enter the recovery passphrase.',
  file_damaged: 'Use Check and repair under Settings → Recovery passphrase, key and file.',
  records_damaged: 'Use Restore a backup under Settings, with your last good backup.',
};

/** What a screen shows for a failed call: the message, then the app's advice for its code. */
export function errorText(e: unknown): string {
  const err = toBackendError(e);
  const advice = ADVICE[err.code];
  if (!advice) return err.message;
  const message = err.message.trimEnd();
  return `${message}${/[.!?]$/.test(message) ? '' : '.'} ${advice}`;
}
