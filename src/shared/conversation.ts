// Which conversation an event belongs to: every event about one problem report is one
// conversation (one Discord forum thread, one email thread).
import type { KnockerEvent } from './events'

export function conversationKey(event: KnockerEvent): string | null {
  if (event.problem_report) return `problem:${event.problem_report.id}`
  if (event.log_entry?.problem_report) return `problem:${event.log_entry.problem_report.id}`
  return null
}
