import { describe, expect, it } from 'vitest';
import { calendarPath, fhirPath, packetPath, percent, recordPath, retreatPath, slug } from './exports';

describe('export file names', () => {
  it('makes a safe file name of any participant name', () => {
    expect(slug('Ona "Sunny" O\'Hara, <b>')).toBe('ona-sunny-o-hara-b');
    expect(slug('Zoë Ångström')).toBe('zoe-angstrom');
    expect(slug('   ')).toBe('participant');
    expect(slug('../../etc/passwd')).toBe('etc-passwd');
  });
  it('suggests dated paths in the chosen folder', () => {
    const day = new Date(2026, 11, 1, 9, 30);
    expect(recordPath('/home/rowan/Documents', 'Seren Whitlock', day)).toBe('/home/rowan/Documents/record-seren-whitlock-2026-12-01.html');
    expect(calendarPath('/tmp/', day)).toBe('/tmp/arcwell-checkins-2026-12-01.ics');
    expect(fhirPath('/home/rowan', day)).toBe('/home/rowan/arcwell-outcomes-2026-12-01.fhir.json');
    expect(packetPath('/home/rowan/', day)).toBe('/home/rowan/check-in-2026-12-01-0930.html');
    expect(retreatPath('/tmp', 'Autumn circle', 'roster', day)).toBe('/tmp/retreat-autumn-circle-roster-2026-12-01.html');
    expect(retreatPath('/tmp', 'Autumn circle', 'checkins', day)).toBe('/tmp/retreat-autumn-circle-checkins-2026-12-01.ics');
  });
  it('counts progress in whole percent, never past 100', () => {
    expect(percent(0, 0)).toBe(0);
    expect(percent(1, 3)).toBe(33);
    expect(percent(5, 4)).toBe(100);
  });
});
