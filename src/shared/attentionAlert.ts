// Knocker's own message: "an endpoint needs attention", sent to that endpoint's fallback. It is
// stored and delivered like an event, under an internal type intake never accepts (intake
// validates with EventSchema, which knows only the host app's seven types).
import { z } from 'zod'
import { ENDPOINT_KINDS } from './endpointKinds'
import { EVENT_LABELS, EVENT_TYPES, type EventType } from './events'
import { MORNING_REPORT_TYPE, type MorningReportType } from './morningReport'
import { RELAY_EVENT_TYPES, RELAY_LABEL_NAMES, RELAY_LABELS, relayEventType, type RelayEventType } from './relay'

export const ATTENTION_ALERT_TYPE = 'knocker.endpoint_attention'
export type AttentionAlertType = typeof ATTENTION_ALERT_TYPE

/** An alert is about the moment of a flag: past this it says nothing true, so it fails. */
export const ATTENTION_ALERT_TTL_HOURS = 48

/** The stored payload (events.payload) and what each channel formats. */
export const AttentionAlertSchema = z.object({
  endpoint_id: z.string(),
  endpoint_name: z.string(),
  endpoint_kind: z.enum(ENDPOINT_KINDS),
  /** Why it was flagged, already redacted of secrets (still text to escape). */
  reason: z.string(),
  /** Deliveries waiting in its queue when it was flagged. */
  waiting: z.number().int().nonnegative(),
  /** When it was flagged (ISO 8601). */
  at: z.string(),
})
export type AttentionAlert = z.infer<typeof AttentionAlertSchema>

/** The event types a delivery can be about: the host app's, messages relayed from
 * Discord-compatible sources (one type per label), and Knocker's own alert and morning report. */
export const DELIVERY_EVENT_TYPES = [...EVENT_TYPES, ...RELAY_EVENT_TYPES, ATTENTION_ALERT_TYPE, MORNING_REPORT_TYPE] as const
export const DeliveryEventTypeSchema = z.enum(DELIVERY_EVENT_TYPES)
export type DeliveryEventType = EventType | RelayEventType | AttentionAlertType | MorningReportType

export const DELIVERY_EVENT_LABELS: Record<DeliveryEventType, string> = {
  ...EVENT_LABELS,
  ...(Object.fromEntries(RELAY_LABELS.map((label) => [relayEventType(label), `${RELAY_LABEL_NAMES[label]} (relayed)`])) as Record<
    RelayEventType,
    string
  >),
  [ATTENTION_ALERT_TYPE]: 'Endpoint needs attention',
  [MORNING_REPORT_TYPE]: 'Morning report',
}

/** One flag, one alert: the same id however often the flag is handled (a crash, a retry). */
export function attentionAlertEventId(endpointId: string, flaggedAt: number): string {
  return `alert:${endpointId}:${flaggedAt}`
}
