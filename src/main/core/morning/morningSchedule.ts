// When an endpoint's morning report is due. Pure; times are the computer's own time zone, so
// "07:00" is 07:00 on the wall clock on the days daylight saving time begins and ends.
import { MORNING_REPORT_TTL_HOURS, type MorningReportOption } from '../../../shared/morningReport'
import { atLocalTime, localDay, nextLocalDay } from './localDay'

export interface DueReport {
  /** The local day it is for: one report per endpoint and day. */
  day: string
  /** Its time that day (ms). */
  at: number
}

/**
 * Today's report, once its time has come: also when Knocker was not running at that time and
 * starts later the same day (sent then, once, late), but not once it is older than a report's
 * time to live, nor when the option was set after that time (`settingSince`: no report
 * appears the moment someone switches the option on in the afternoon).
 */
export function dueReport(option: MorningReportOption, now: number, settingSince: number): DueReport | null {
  const at = atLocalTime(now, option.time)
  if (now < at || at < settingSince || now - at >= MORNING_REPORT_TTL_HOURS * 3600_000) return null
  return { day: localDay(now), at }
}

/** The next time the report is due after `now`. */
export function nextReportAt(option: MorningReportOption, now: number): number {
  const today = atLocalTime(now, option.time)
  return today > now ? today : nextLocalDay(now, option.time)
}
