import { describe, expect, it } from 'vitest';
import { ADVICE, errorText } from './errors';

describe('errorText', () => {
  it("adds the app's own advice to a code the message does not finish", () => {
    const e = { code: 'reason_required', message: 'skipping a phase (inquiry → integration) needs a reason' };
    expect(errorText(e)).toBe('skipping a phase (inquiry → integration) needs a reason. Fill in the reason.');
    expect(errorText(e)).not.toContain('--');
  });

  it('shows a message alone when its code needs no advice', () => {
    expect(errorText({ code: 'conflict', message: 'this document is already signed' })).toBe('this document is already signed');
    expect(errorText('invalid args `id` for command')).toBe('invalid args `id` for command');
  });

  it('keeps the advice in words the app uses, never a CLI flag', () => {
    for (const text of Object.values(ADVICE)) expect(text).not.toMatch(/--[a-z]|`arcwell /);
  });

  it('knows every code the core adds for surface advice', () => {
    const known = ['reason_required', 'timeline_exists', 'no_default_plan', 'record_not_exported', 'pack_off', 'shipped_template'];
    for (const code of known) expect(errorText({ code, message: 'x' })).not.toBe('x');
  });
});
