// What every digest says about itself, whatever the destination: how many notifications, how
// late (once, for the whole message), and the line for the history list.
import { lateLine } from '../text/lateNotice'
import { oneLine } from '../text/cleanText'
import { truncateChars } from '../text/truncate'
import type { DigestItem, LateNotice } from './types'

const SUMMARY_MAX_CHARS = 200

/** "1 notification", "5 notifications". */
export function notificationCount(count: number): string {
  return `${count} ${count === 1 ? 'notification' : 'notifications'}`
}

/**
 * The digest's own late line, from the longest delay among its items (normally the first,
 * oldest one): "⏱ up to 3 h 5 min late — the museum was offline". Null when none is late.
 */
export function digestLateLine(items: DigestItem[]): string | null {
  const lates = items.map((item) => item.ctx.late).filter((late): late is LateNotice => Boolean(late))
  if (lates.length === 0) return null
  const longest = lates.reduce((a, b) => (b.ms > a.ms ? b : a))
  return lateLine(longest, { upTo: lates.length > 1 })
}

/** "5 notifications: Eight Ball Deluxe: new problem report #412 and 4 more". */
export function digestSummary(count: number, firstSummary: string): string {
  const head = `${notificationCount(count)}: `
  const more = count > 1 ? ` and ${count - 1} more` : ''
  // The first summary is shortened, never the count of the others.
  return head + truncateChars(oneLine(firstSummary), SUMMARY_MAX_CHARS - head.length - more.length) + more
}

/** A digest of nothing is a bug in the caller, not an empty message. */
export function assertItems(items: DigestItem[]): void {
  if (items.length === 0) throw new Error('a digest needs at least one event')
}
