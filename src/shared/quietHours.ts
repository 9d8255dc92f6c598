// Quiet hours of an endpoint (an option): when routine events are held, to go as one digest
// when the quiet time ends, and what goes through anyway. Times are the computer's own time
// zone. No Node, no DOM: the renderer's form reads it too.
import { z } from 'zod'

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
export type Weekday = (typeof WEEKDAYS)[number]

/** What goes through during quiet hours: visitor reports (no actor); anything that makes a
 * machine broken or unplayable (a status change to Broken, a report created or reopened as
 * Unplayable); every problem report event. */
export const LET_THROUGH = ['visitor_reports', 'machine_down', 'problem_reports'] as const
export type LetThrough = (typeof LET_THROUGH)[number]
export const DEFAULT_LET_THROUGH: LetThrough[] = ['visitor_reports', 'machine_down']

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM (24 h)')

export const QuietRangeSchema = z.object({
  /** The weekdays this range starts on. */
  days: z.array(z.enum(WEEKDAYS)).min(1, 'pick at least one day').max(7),
  /** From this time; until `end`, the next day when `end` is not later than `start`. */
  start: time,
  end: time,
})
export type QuietRange = z.infer<typeof QuietRangeSchema>

export const QuietHoursSchema = z
  .object({
    ranges: z.array(QuietRangeSchema).min(1, 'add at least one range').max(14),
    /** Default: visitor reports and machines going down. */
    let_through: z.array(z.enum(LET_THROUGH)).max(LET_THROUGH.length).optional(),
    /** hold (default): held until the quiet time ends · silent (Discord only): posted at once
     * without a notification sound (flags: SUPPRESS_NOTIFICATIONS). */
    mode: z.enum(['hold', 'silent']).optional(),
  })
  .strict()
export type QuietHours = z.infer<typeof QuietHoursSchema>

export const LET_THROUGH_LABELS: Record<LetThrough, string> = {
  visitor_reports: 'Visitor reports',
  machine_down: 'A machine broken or unplayable',
  problem_reports: 'Every problem report event',
}

/** An endpoint's quiet hours, or null when it has none (or they are malformed). */
export function quietHoursOf(options: Record<string, unknown>): QuietHours | null {
  // Most endpoints have none: intake asks for every event and endpoint.
  if (options.quiet_hours === undefined) return null
  const parsed = QuietHoursSchema.safeParse(options.quiet_hours)
  return parsed.success ? parsed.data : null
}
