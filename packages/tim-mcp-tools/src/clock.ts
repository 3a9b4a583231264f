/** The time now in a time zone, as an ISO instant and as people read it there. */
export interface ZonedTime {
  /** The instant, in UTC. */
  iso: string;
  timeZone: string;
  /** E.g. "Thursday, 3 December 2026 at 18:30:05 CET". */
  local: string;
  /** The zone's offset from UTC then, e.g. "GMT+01:00". */
  offset: string;
}

/** Reads `nowMs` in an IANA time zone (e.g. Europe/Paris); throws RangeError for a zone Intl does not know. */
export function timeIn(timeZone: string, nowMs: number): ZonedTime {
  const at = new Date(nowMs);
  const local = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    dateStyle: 'full',
    timeStyle: 'long',
  }).format(at);
  const offset =
    new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  return { iso: at.toISOString(), timeZone, local, offset: offset === 'GMT' ? 'GMT+00:00' : offset };
}
