// Names suggested for export files, and how far a backup check or restore has come.

/** A file-name-safe form of a name: lower case ASCII letters, digits and dashes. */
export function slug(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'participant';
}

/** `folder/record-ona-ohara-2026-12-01.html` for a participant's printable record. */
export function recordPath(folder: string, name: string, today: Date): string {
  return joinPath(folder, `record-${slug(name)}-${isoDay(today)}.html`);
}

/** `folder/arcwell-checkins-2026-12-01.ics`. */
export function calendarPath(folder: string, today: Date): string {
  return joinPath(folder, `arcwell-checkins-${isoDay(today)}.ics`);
}

/** `folder/arcwell-outcomes-2026-12-01.fhir.json`. */
export function fhirPath(folder: string, today: Date): string {
  return joinPath(folder, `arcwell-outcomes-${isoDay(today)}.fhir.json`);
}

/** `folder/check-in-2026-12-01-1430.html` for a check-in packet: no name in the file's name, and
 * the minute so that two packets written on one day do not collide. */
export function packetPath(folder: string, now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return joinPath(folder, `check-in-${isoDay(now)}-${pad(now.getHours())}${pad(now.getMinutes())}.html`);
}

/** `folder/retreat-autumn-circle-roster-2026-12-01.html` (or `…-checkins-….ics`) for a retreat's exports. */
export function retreatPath(folder: string, retreat: string, what: 'roster' | 'checkins', today: Date): string {
  const ext = what === 'roster' ? 'html' : 'ics';
  return joinPath(folder, `retreat-${slug(retreat)}-${what}-${isoDay(today)}.${ext}`);
}

export function joinPath(folder: string, file: string): string {
  return folder.endsWith('/') ? folder + file : `${folder}/${file}`;
}

function isoDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "37 %" of a byte count; 0 while the total is not yet known. */
export function percent(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.floor((done * 100) / total));
}
