// Local calendar days and wall-clock times in the computer's own time zone (Date's local
// methods), so "07:00" stays 07:00 on the wall clock across daylight saving time changes.

/** "2026-03-29" for the local day `at` falls on. */
export function localDay(at: number): string {
  const d = new Date(at)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/** The local day before `day` ("2026-03-29" → "2026-03-28"). */
export function dayBefore(day: string): string {
  const [y, m, d] = day.split('-').map(Number)
  return localDay(new Date(y, m - 1, d - 1, 12).getTime())
}

/** The moment the wall clock shows `hhmm` on the local day of `at`. In a spring-forward gap
 * (02:30 that does not exist) it is the first moment after the gap, as Date reads it. */
export function atLocalTime(at: number, hhmm: string): number {
  const d = new Date(at)
  return new Date(d.getFullYear(), d.getMonth(), d.getDate(), Number(hhmm.slice(0, 2)), Number(hhmm.slice(3, 5))).getTime()
}

/** The same wall-clock time on the next local day. */
export function nextLocalDay(at: number, hhmm: string): number {
  const d = new Date(at)
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1, Number(hhmm.slice(0, 2)), Number(hhmm.slice(3, 5))).getTime()
}
