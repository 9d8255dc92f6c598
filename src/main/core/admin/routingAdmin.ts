// Routing rules at the admin API: refused when saved if they could never match, and the
// "Who gets this?" tester, which asks the same router intake uses.
import type { AdminOutput, RoutingExplanation } from '../../../shared/contracts'
import { EVENT_LABELS, EventSchema, type EventType, type KnockerEvent } from '../../../shared/events'
import { eventSummary } from '../../../shared/eventSummary'
import { unmatchableRules, type RoutingRule } from '../../../shared/routingRules'
import { SAMPLE_EVENTS } from '../../../shared/samples'
import type { Clock } from '../clock'
import type { EndpointRecord, EndpointsRepo } from '../db/endpointsRepo'
import type { SettingsRepo } from '../db/settingsRepo'
import { personDigestsOn } from '../routing/personDigest'
import { quietHold } from '../routing/quietHours'
import { decideRoutes, type RouteDecision } from '../routing/router'
import { ApiError, invalidRequest } from './apiError'

/** Refuses rules that can never match one of the subscribed event types (nothing is saved). */
export function checkRulesCanMatch(rules: readonly RoutingRule[], events: readonly EventType[]): void {
  const issues = unmatchableRules(rules, events)
  if (issues.length === 0) return
  throw new ApiError(
    400,
    'invalid_request',
    issues.length === 1 ? 'A routing rule can never match' : `${issues.length} routing rules can never match`,
    issues.map((issue) => ({ path: `rules.${issue.path}`, message: issue.message })),
  )
}

export interface RoutingAdminDeps {
  endpoints: EndpointsRepo
  settings: SettingsRepo
  clock: Clock
}

export function routingHandlers({ endpoints, settings, clock }: RoutingAdminDeps) {
  return {
    explainRouting: (input: { sample?: EventType; event?: unknown }): AdminOutput<'explainRouting'> => {
      const event = input.sample ? SAMPLE_EVENTS[input.sample] : parseEvent(input.event)
      const list = endpoints.list()
      const now = clock.now()
      return {
        event: { event_id: event.event_id, event: event.event, summary: eventSummary(event) },
        endpoints: decideRoutes(event, settings.get(), list).map((decision, i) => explain(decision, list[i], event, now)),
      }
    },
  }
}

function parseEvent(body: unknown): KnockerEvent {
  const parsed = EventSchema.safeParse(body)
  if (!parsed.success) throw invalidRequest(parsed.error, 'The event is invalid', ['event'])
  return parsed.data
}

type Explained = RoutingExplanation['endpoints'][number]

function explain(decision: RouteDecision, endpoint: EndpointRecord, event: KnockerEvent, now: number): Explained {
  const base = { endpoint_id: endpoint.id, endpoint_name: endpoint.name, endpoint_kind: endpoint.kind, misses: [] as string[], matched: null, held: null }
  switch (decision.outcome) {
    case 'not_subscribed':
      return { ...base, gets: false, outcome: 'not_subscribed', reason: `Not subscribed to "${EVENT_LABELS[event.event]}"` }
    case 'no_rule_matched':
      return {
        ...base,
        gets: false,
        outcome: 'no_rule_matched',
        reason: `Subscribed, but no rule matched, so no delivery: ${decision.misses.length === 1 ? 'its rule wants' : 'its rules want'} ${decision.misses.join('; or ')}`,
        misses: decision.misses,
      }
    case 'suppressed':
      return {
        ...base,
        gets: false,
        outcome: 'suppressed',
        reason: `${decision.route.reason} (recorded in the history, not sent)`,
        matched: decision.route.matched ?? null,
      }
    case 'pending':
      return {
        ...base,
        gets: true,
        outcome: 'gets',
        reason: decision.route.matched ? `Subscribed, and a rule ${decision.route.matched}` : 'Subscribed, with no rules: every event of its types',
        matched: decision.route.matched ?? null,
        held: quietHold(endpoint.options, event, now)?.reason ?? (personDigestsOn(endpoint.options) && event.actor ? 'held until its maintainer has finished (one message per maintainer)' : null),
      }
  }
}
