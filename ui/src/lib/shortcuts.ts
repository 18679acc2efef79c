// Keyboard first: the app's shortcuts, as data (for the list the facilitator opens with "?") and
// as one pure function from a key press to what it does.

export type Action =
  | 'today'
  | 'participants'
  | 'search'
  | 'templates'
  | 'reminders'
  | 'next_checkin'
  | 'new_note'
  | 'help'
  | 'lock'
  | 'close';

export const SHORTCUTS: { keys: string; action: Action; what: string }[] = [
  { keys: '/', action: 'search', what: 'Search notes and participants (also Ctrl+K)' },
  { keys: 'j', action: 'next_checkin', what: 'Next due check-in: open it to complete' },
  { keys: 'n', action: 'new_note', what: 'New note on the arc you are viewing' },
  { keys: 't', action: 'today', what: 'Today' },
  { keys: 'p', action: 'participants', what: 'Participants' },
  { keys: 'm', action: 'templates', what: 'Templates' },
  { keys: 'r', action: 'reminders', what: 'Reminders' },
  { keys: 'Ctrl+L', action: 'lock', what: 'Lock Arcwell (unlock with your PIN or recovery passphrase)' },
  { keys: '?', action: 'help', what: 'This list' },
  { keys: 'Esc', action: 'close', what: 'Close this list' },
];

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The press happened while typing in a field: letters are text there, not shortcuts. */
  typing: boolean;
}

export function shortcutFor(e: KeyPress): Action | null {
  if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') return 'search';
  // Locking works while typing too: a draft autosaves, and the practice must close at once.
  if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'l') return 'lock';
  if (e.key === 'Escape') return 'close';
  if (e.typing || e.ctrlKey || e.metaKey || e.altKey) return null;
  const found = SHORTCUTS.find((s) => s.keys === e.key && s.action !== 'close');
  return found?.action ?? null;
}

/** Whether the element a key press lands on takes text. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
  return false;
}
