// What an attention alert says, whatever the destination: "Discord “Workshop channel” needs
// attention: <reason>. 3 notifications are waiting for it; they go out when it is fixed. Open
// Knocker → Endpoints." Plain text; each channel escapes the name and the reason its own way.
import type { AttentionAlert } from '../../../shared/attentionAlert'
import { KIND_LABELS } from '../../../shared/endpointKinds'
import { oneLine } from '../text/cleanText'
import { truncateChars } from '../text/truncate'

export const ALERT_ACTION = 'Open Knocker → Endpoints.'
/** Orange: something to fix, nothing lost. */
export const ALERT_COLOR = 0xe67e22
/** A name is typed by a person (up to 100 characters); the reason is a destination's words. */
const NAME_MAX_CHARS = 100
export const ALERT_REASON_MAX_CHARS = 1000
const SUMMARY_MAX_CHARS = 200

/** The endpoint's name on one line, bounded. */
export function alertEndpointName(alert: AttentionAlert): string {
  return truncateChars(oneLine(alert.endpoint_name), NAME_MAX_CHARS) || alert.endpoint_id
}

/** "Discord “Workshop channel” needs attention"; `escape` makes the name inert for the destination. */
export function alertHeadline(alert: AttentionAlert, escape: (text: string) => string = (text) => text): string {
  return `${KIND_LABELS[alert.endpoint_kind]} “${escape(alertEndpointName(alert))}” needs attention`
}

/** The reason on one line, bounded, without its closing full stop (the message adds one). */
export function alertReason(alert: AttentionAlert): string {
  return truncateChars(oneLine(alert.reason), ALERT_REASON_MAX_CHARS).replace(/[.\s]+$/, '') || 'no reason given'
}

/** "3 notifications are waiting for it; they go out when it is fixed." */
export function waitingLine(waiting: number): string {
  if (waiting <= 0) return 'No notifications are waiting for it yet; new ones wait until it is fixed.'
  if (waiting === 1) return '1 notification is waiting for it; it goes out when it is fixed.'
  return `${waiting} notifications are waiting for it; they go out when it is fixed.`
}

/** The whole alert as one plain paragraph (previews, fallbacks, the plain-text mail). */
export function alertText(alert: AttentionAlert): string {
  return `${alertHeadline(alert)}: ${alertReason(alert)}. ${waitingLine(alert.waiting)} ${ALERT_ACTION}`
}

/** The line in the delivery history. */
export function alertSummary(alert: AttentionAlert): string {
  return truncateChars(alertHeadline(alert), SUMMARY_MAX_CHARS)
}
