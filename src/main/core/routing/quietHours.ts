// Quiet hours: is an endpoint quiet now, until when, and does this event go through anyway?
// Pure; times are read in the computer's own time zone (Date's local methods, so a range
// follows daylight saving time: "22:00–07:00" is always 22:00 to 07:00 on the wall clock).
import type { KnockerEvent } from '../../../shared/events'
import { DEFAULT_LET_THROUGH, quietHoursOf, WEEKDAYS, type QuietHours, type QuietRange } from '../../../shared/quietHours'

const DAY_STEPS = [-1, 0]
/** Ranges that follow each other (Mon 22:00–24:00, Tue 00:00–07:00) are one quiet time; this
 * many at most are joined (a week of back-to-back ranges ends the search). */
const MAX_CHAINED = 16

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/** The range's occurrence that starts on the local day `dayStart` (midnight), if it starts that weekday. */
function occurrence(range: QuietRange, dayStart: Date): { from: number; to: number } | null {
  if (!range.days.includes(WEEKDAYS[dayStart.getDay()])) return null
  const start = minutes(range.start)
  const end = minutes(range.end)
  const at = (dayOffset: number, m: number) =>
    new Date(dayStart.getFullYear(), dayStart.getMonth(), dayStart.getDate() + dayOffset, Math.floor(m / 60), m % 60).getTime()
  return { from: at(0, start), to: at(end > start ? 0 : 1, end) }
}

/** The end of the quiet range `t` falls in, or null when `t` is in none. */
function coveringEnd(ranges: QuietRange[], t: number): number | null {
  const today = new Date(t)
  let end: number | null = null
  for (const step of DAY_STEPS) {
    const day = new Date(today.getFullYear(), today.getMonth(), today.getDate() + step)
    for (const range of ranges) {
      const o = occurrence(range, day)
      if (o && o.from <= t && t < o.to) end = Math.max(end ?? 0, o.to)
    }
  }
  return end
}

/** When the quiet time that `now` falls in ends (ms), or null when `now` is not quiet. */
export function quietUntil(hours: QuietHours | null, now: number): number | null {
  if (!hours) return null
  let until = coveringEnd(hours.ranges, now)
  if (until === null) return null
  for (let i = 0; i < MAX_CHAINED; i++) {
    const next = coveringEnd(hours.ranges, until)
    if (next === null || next <= until) break
    until = next
  }
  return until
}

/** Whether the event goes through during quiet hours (by default: visitor reports, and
 * anything that makes a machine broken or unplayable). */
export function letThrough(hours: QuietHours, event: KnockerEvent): boolean {
  const rules = hours.let_through ?? DEFAULT_LET_THROUGH
  const report = event.problem_report
  if (rules.includes('problem_reports') && event.event.startsWith('problem_report.')) return true
  if (rules.includes('visitor_reports') && event.event === 'problem_report.created' && event.actor === null) return true
  if (rules.includes('machine_down')) {
    if (event.event === 'machine.status_changed' && event.change?.to === 'broken') return true
    if ((event.event === 'problem_report.created' || event.event === 'problem_report.reopened') && report?.priority === 'unplayable') return true
  }
  return false
}

/** "07:00" in the computer's time zone (with the weekday when it isn't within a day). */
export function clockTime(at: number, now: number): string {
  const d = new Date(at)
  const hhmm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
  return at - now < 20 * 3600_000 ? hhmm : `${d.toLocaleDateString('en-GB', { weekday: 'short' })} ${hhmm}`
}

export interface Hold {
  until: number
  /** "held: quiet hours until 07:00", shown in the history. */
  reason: string
}

/** Whether a new delivery of this event to this endpoint is held, and until when. */
export function quietHold(options: Record<string, unknown>, event: KnockerEvent, now: number): Hold | null {
  const hours = quietHoursOf(options)
  if (!hours || hours.mode === 'silent' || letThrough(hours, event)) return null
  const until = quietUntil(hours, now)
  return until === null ? null : { until, reason: `held: quiet hours until ${clockTime(until, now)}` }
}

/** A message that goes out during quiet hours in silent mode (Discord): without a notification. */
export function postsSilently(options: Record<string, unknown>, event: KnockerEvent | null, now: number): boolean {
  const hours = quietHoursOf(options)
  if (!hours || hours.mode !== 'silent') return false
  return quietUntil(hours, now) !== null && !(event && letThrough(hours, event))
}
