// "⏱ 2 h 11 min late — the museum was offline": what a message says when it goes out long
// after the event. Destination-neutral plain text; each channel escapes it in its own syntax.
import type { LateNotice } from '../channels/types'
import { oneLine } from './cleanText'
import { truncateChars } from './truncate'

const MINUTE_MS = 60_000
const MINUTES_PER_DAY = 24 * 60
// The reason is Knocker's own text, but a bounded line lets every channel reserve room for it.
const REASON_MAX_CHARS = 120

/** "7 min", "2 h 11 min", "3 days 4 h": two units at most; a day-long delay needs no minutes. */
function humanDuration(ms: number): string {
  const minutes = Math.max(1, Math.round(Number.isFinite(ms) && ms > 0 ? ms / MINUTE_MS : 0))
  const days = Math.floor(minutes / MINUTES_PER_DAY)
  const hours = Math.floor((minutes % MINUTES_PER_DAY) / 60)
  const rest = minutes % 60
  if (days > 0) return [`${days} ${days === 1 ? 'day' : 'days'}`, hours ? `${hours} h` : ''].filter(Boolean).join(' ')
  if (hours > 0) return [`${hours} h`, rest ? `${rest} min` : ''].filter(Boolean).join(' ')
  return `${rest} min`
}

export interface LateLineOptions {
  /** Leave out "— why" (a digest section, under a heading that already says why). */
  withReason?: boolean
  /** "up to 3 h late": the longest delay among several messages. */
  upTo?: boolean
}

/** "⏱ 2 h 11 min late — the museum was offline", one line, plain text. */
export function lateLine(late: LateNotice, options: LateLineOptions = {}): string {
  const { withReason = true, upTo = false } = options
  const reason = withReason ? truncateChars(oneLine(late.reason ?? ''), REASON_MAX_CHARS) : ''
  return `⏱ ${upTo ? 'up to ' : ''}${humanDuration(late.ms)} late${reason ? ` — ${reason}` : ''}`
}
