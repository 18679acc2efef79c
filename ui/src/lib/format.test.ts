import { describe, expect, it } from 'vitest';
import type { Phase } from '../bindings/Phase';
import { needsReason, optional, wallClock } from './format';

describe('format', () => {
  it('asks for a reason exactly where the core requires one', () => {
    // Same table as the core's `phase_rules` test (src/domain/arc.rs).
    const cases: [Phase, Phase, boolean][] = [
      ['inquiry', 'preparation', false],
      ['preparation', 'administration', false],
      ['administration', 'integration', false],
      ['integration', 'completion', false],
      ['inquiry', 'administration', true],
      ['inquiry', 'completion', true],
      ['integration', 'preparation', true],
      ['preparation', 'withdrawn', true],
      ['administration', 'referred_out', true],
    ];
    for (const [from, to, expected] of cases) expect(needsReason(from, to), `${from} → ${to}`).toBe(expected);
  });

  it('shows wall-clock times as entered', () => {
    expect(wallClock('2026-11-25T14:30')).toBe('Wed, 25 Nov 2026, 14:30');
    expect(wallClock('not a time')).toBe('not a time');
  });

  it('turns blank form fields into absent ones', () => {
    expect(optional('   ')).toBeUndefined();
    expect(optional(' she/her ')).toBe('she/her');
  });
});
