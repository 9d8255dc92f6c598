// Which endpoints get an event (subscription, then routing rules), and whether a switch holds
// it back. Pure.
import type { Settings } from '../../../shared/contracts'
import type { EventType, KnockerEvent } from '../../../shared/events'
import type { RelayLabel, RelayRoute } from '../../../shared/relay'
import type { EndpointRecord } from '../db/endpointsRepo'
import { matchRules } from './ruleMatch'

export interface RoutedDelivery {
  endpointId: string
  status: 'pending' | 'suppressed'
  /** Why it was suppressed, shown in the history. */
  reason?: string
  /** The routing rule it matched ("matched: zone is workshop"), shown in the history. */
  matched?: string
}

/** What happens to an event at one endpoint, and why: the "Who gets this?" tester's answer and,
 * for the endpoints that get a delivery, intake's. */
export type RouteDecision =
  | { endpointId: string; outcome: 'not_subscribed' }
  | { endpointId: string; outcome: 'no_rule_matched'; misses: string[] }
  | { endpointId: string; outcome: 'pending' | 'suppressed'; route: RoutedDelivery }

/** "matched: zone is workshop", recorded on the delivery. */
const matchedReason = (description: string) => `matched: ${description}`

const MASTER_SWITCH_OFF = 'Suppressed: deliveries were switched off (master switch)'

function switchReason(eventType: EventType, settings: Settings): string | undefined {
  return !settings.delivery_enabled
    ? MASTER_SWITCH_OFF
    : settings.events[eventType] === false
      ? `Suppressed: "${eventType}" notifications were switched off`
      : undefined
}

/** The endpoint's delivery: pending, or suppressed by a switch (the settings' reason first,
 * then the endpoint's own switch). */
function routeTo(endpoint: EndpointRecord, settingsReason: string | undefined, matched: { matched?: string } = {}): RoutedDelivery {
  const reason = settingsReason ?? (endpoint.enabled ? undefined : 'Suppressed: the endpoint was switched off')
  return reason ? { endpointId: endpoint.id, status: 'suppressed', reason, ...matched } : { endpointId: endpoint.id, status: 'pending', ...matched }
}

function decide(event: KnockerEvent, globalReason: string | undefined, endpoint: EndpointRecord): RouteDecision {
  if (!endpoint.events.includes(event.event)) return { endpointId: endpoint.id, outcome: 'not_subscribed' }
  const rules = matchRules(endpoint.rules, event)
  if (!rules.matched) return { endpointId: endpoint.id, outcome: 'no_rule_matched', misses: rules.misses }
  const route = routeTo(endpoint, globalReason, rules.rule ? { matched: matchedReason(rules.rule.description) } : {})
  return { endpointId: endpoint.id, outcome: route.status, route }
}

/** Every endpoint's decision about the event, in the endpoints' order. */
export function decideRoutes(event: KnockerEvent, settings: Settings, endpoints: EndpointRecord[]): RouteDecision[] {
  const globalReason = switchReason(event.event, settings)
  return endpoints.map((endpoint) => decide(event, globalReason, endpoint))
}

/** Every endpoint subscribed to the event whose rules it matches (or that has none) gets a
 * delivery; switched off ones are recorded as suppressed so the history shows what was held
 * back and why. An event no rule matches gets no delivery at that endpoint. */
export function routeEvent(event: KnockerEvent, settings: Settings, endpoints: EndpointRecord[]): RoutedDelivery[] {
  const routed: RoutedDelivery[] = []
  for (const decision of decideRoutes(event, settings, endpoints)) if ('route' in decision) routed.push(decision.route)
  return routed
}

/** Knocker's own message to one endpoint (an alert to a fallback endpoint, a morning report):
 * held back by the master switch and by the endpoint's own switch, like any event;
 * event-type switches and subscriptions don't apply to it. */
export function routeOwnMessage(settings: Settings, endpoint: EndpointRecord): RoutedDelivery {
  return routeTo(endpoint, settings.delivery_enabled ? undefined : MASTER_SWITCH_OFF)
}

/** A message relayed from a Discord-compatible source: the endpoints of the source's own
 * subscription that take this label. Held back by the master switch and each endpoint's own
 * switch like any event; deleted endpoints (absent from `endpoints`) get nothing. */
export function routeRelayed(label: RelayLabel, settings: Settings, routes: RelayRoute[], endpoints: EndpointRecord[]): RoutedDelivery[] {
  const wanted = new Set(routes.filter((route) => route.labels.includes(label)).map((route) => route.endpoint_id))
  const settingsReason = settings.delivery_enabled ? undefined : MASTER_SWITCH_OFF
  return endpoints.filter((endpoint) => wanted.has(endpoint.id)).map((endpoint) => routeTo(endpoint, settingsReason))
}
