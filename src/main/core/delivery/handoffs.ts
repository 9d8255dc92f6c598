// What the delivery stages hand each other: scheduler → claim → attempt → backoff → record →
// endpoint health. Plain data, so each stage can be tested on its own.
import type { AttentionAlert } from '../../../shared/attentionAlert'
import type { EndpointKind, ErrorClass } from '../../../shared/domain'
import type { KnockerEvent } from '../../../shared/events'
import type { MorningReport } from '../../../shared/morningReport'
import type { RelayedMessage } from '../../../shared/relay'
import type { FormatContext, Outcome, PreparedRequest, SendResult } from '../channels/types'
import type { EndpointRecord } from '../db/endpointsRepo'
import type { deliveries } from '../db/schema'

export type DeliveryRow = typeof deliveries.$inferSelect
export type Trigger = 'scheduled' | 'manual' | 'test'

/** The statuses of a delivery still in its endpoint's queue (not sent, not being sent). */
export const WAITING = ['pending', 'retrying'] as const

export interface QueueHead {
  id: number
  endpointId: string
  kind: EndpointKind
  nextAttemptAt: number
  /** When Knocker accepted it: a head younger than the digest wait has no backlog behind it. */
  createdAt: number
}

export interface AttemptRecord {
  deliveryId: number
  attemptNo: number
  trigger: Trigger
  startedAt: number
  durationMs: number
  outcome: 'delivered' | 'retry' | 'failed'
  statusCode: number | null
  errorClass: ErrorClass | null
  errorMessage: string | null
  note?: string | null
  requestBody: string | null
  responseHeaders: string | null
  responseBody: string | null
}

export type DeliveryUpdate = Partial<
  Pick<DeliveryRow, 'status' | 'failureCount' | 'nextAttemptAt' | 'lastErrorClass' | 'lastError' | 'lastStatusCode' | 'remoteId' | 'deliveredAt'>
>

export interface StoredEvent {
  payload: string
  isTest: boolean
  eventId: string
  eventType: string
}

/** One claimed delivery, ready to format: Knocker's own alert or morning report, an event from
 * the host app, or a message relayed from a Discord-compatible source. Exactly one of the four is set. */
export interface MessageItem {
  delivery: DeliveryRow
  eventType: string
  isTest: boolean
  event: KnockerEvent | null
  alert: AttentionAlert | null
  relay: RelayedMessage | null
  morning: MorningReport | null
  ctx: FormatContext
  /** An edit of an earlier post: the message it edits, null when that post has no message of
   * its own (not delivered, or delivered in a digest). Absent for a new message. */
  edit?: { messageId: string | null } | null
}

/** claim → attempt: deliveries of one endpoint that go out as one request. */
export interface ClaimedRun {
  endpointId: string
  kind: EndpointKind
  /** Null when the endpoint was deleted meanwhile (the attempt then fails, saying so). */
  endpoint: EndpointRecord | null
  target: unknown
  trigger: Trigger
  items: MessageItem[]
  /** Several deliveries as one message, formatted once when claimed (to know how many fit). */
  digest: PreparedRequest | null
}

/** attempt → backoff and record: what was sent, what came back, what the server said. */
export interface AttemptOutput {
  prepared: PreparedRequest | null
  result: SendResult
  outcome: Outcome
  startedAt: number
}

/** The result of one delivery's attempt, for the caller (a test send shows it). */
export interface AttemptResult {
  delivery: DeliveryRow
  outcome: Outcome
  statusCode: number | null
  durationMs: number
  status: DeliveryRow['status']
}
