// Knocker's own messages to one endpoint (an alert to a fallback endpoint, a morning report):
// an event row of Knocker's own type and one delivery, written together by the caller's
// transaction. The event id makes each one once only, whenever the process stops.
import type { Settings } from '../../../shared/contracts'
import type { EndpointRecord } from '../db/endpointsRepo'
import type { Db } from '../db/openDb'
import { events } from '../db/schema'
import { routeOwnMessage, type RoutedDelivery } from '../routing/router'
import type { Outbox } from './outbox'

export interface OwnMessage {
  eventId: string
  eventType: string
  occurredAt: string
  receivedAt: number
  payload: unknown
  summary: string
}

/** Stores the message and its delivery (pending, or suppressed by a switch) created at
 * `createdAt`; null when a message with this event id was queued before. */
export function queueOwnMessage(
  deps: { db: Db; outbox: Outbox; settings: Settings },
  endpoint: EndpointRecord,
  message: OwnMessage,
  createdAt: number,
): { deliveryId: number; route: RoutedDelivery } | null {
  const event = deps.db
    .insert(events)
    .values({ ...message, payload: JSON.stringify(message.payload) })
    .onConflictDoNothing({ target: events.eventId })
    .returning({ seq: events.seq })
    .get()
  if (!event) return null
  const route = routeOwnMessage(deps.settings, endpoint)
  return { deliveryId: deps.outbox.add(event.seq, endpoint.id, route.status, route.reason ?? null, createdAt), route }
}
