// Which endpoints get an event, and whether a switch holds it back. Pure.
import type { Settings } from '../../../shared/contracts'
import type { EventType } from '../../../shared/events'
import type { RelayLabel, RelayRoute } from '../../../shared/relay'
import type { EndpointRecord } from '../db/endpointsRepo'

export interface RoutedDelivery {
  endpointId: string
  status: 'pending' | 'suppressed'
  /** Why it was suppressed, shown in the history. */
  reason?: string
}

/** Every endpoint subscribed to the event gets a delivery; switched off ones are recorded
 * as suppressed so the history shows what was held back and why. */
export function routeEvent(eventType: EventType, settings: Settings, endpoints: EndpointRecord[]): RoutedDelivery[] {
  const globalReason = !settings.delivery_enabled
    ? 'Suppressed: deliveries were switched off (master switch)'
    : settings.events[eventType] === false
      ? `Suppressed: "${eventType}" notifications were switched off`
      : undefined
  return endpoints
    .filter((endpoint) => endpoint.events.includes(eventType))
    .map((endpoint) => {
      const reason = globalReason ?? (endpoint.enabled ? undefined : 'Suppressed: the endpoint was switched off')
      return reason
        ? { endpointId: endpoint.id, status: 'suppressed' as const, reason }
        : { endpointId: endpoint.id, status: 'pending' as const }
    })
}

/** Knocker's own message to one endpoint (an alert to a fallback endpoint, a morning report):
 * held back by the master switch and by the endpoint's own switch, like any event;
 * event-type switches and subscriptions don't apply to it. */
export function routeOwnMessage(settings: Settings, fallback: EndpointRecord): RoutedDelivery {
  const reason = !settings.delivery_enabled
    ? 'Suppressed: deliveries were switched off (master switch)'
    : fallback.enabled
      ? undefined
      : 'Suppressed: the endpoint was switched off'
  return reason ? { endpointId: fallback.id, status: 'suppressed', reason } : { endpointId: fallback.id, status: 'pending' }
}

/** A message relayed from a Discord-compatible source: the endpoints of the source's own
 * subscription that take this label. Held back by the master switch and each endpoint's own
 * switch like any event; deleted endpoints (absent from `endpoints`) get nothing. */
export function routeRelayed(label: RelayLabel, settings: Settings, routes: RelayRoute[], endpoints: EndpointRecord[]): RoutedDelivery[] {
  const wanted = new Set(routes.filter((route) => route.labels.includes(label)).map((route) => route.endpoint_id))
  return endpoints
    .filter((endpoint) => wanted.has(endpoint.id))
    .map((endpoint) => {
      const reason = !settings.delivery_enabled
        ? 'Suppressed: deliveries were switched off (master switch)'
        : endpoint.enabled
          ? undefined
          : 'Suppressed: the endpoint was switched off'
      return reason
        ? { endpointId: endpoint.id, status: 'suppressed' as const, reason }
        : { endpointId: endpoint.id, status: 'pending' as const }
    })
}
