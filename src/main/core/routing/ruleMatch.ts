// Whether an event matches an endpoint's routing rules, and which rule (for the history's
// "matched: zone is workshop"), or why none did (for the "Who gets this?" tester). Pure.
import type { KnockerEvent } from '../../../shared/events'
import { CONDITIONS, describeCondition, describeRule, type RoutingCondition, type RoutingRule } from '../../../shared/routingRules'

/** Who reported the event's problem: a maintainer when the report names a user (or a maintainer
 * filed it: a created report's actor), a visitor otherwise. Null: the event has no report. */
function reporterOf(event: KnockerEvent): 'visitor' | 'maintainer' | null {
  const report = event.problem_report
  if (!report) return null
  if (report.reporter?.username) return 'maintainer'
  return event.event === 'problem_report.created' && event.actor ? 'maintainer' : 'visitor'
}

/** The event's value for a condition, or null when it has none (no location, no report …). */
function valueOf(condition: RoutingCondition, event: KnockerEvent): string | null {
  switch (condition) {
    case 'machines':
      return event.machine.asset_id
    case 'locations':
      return event.machine.location?.slug ?? null
    case 'zones':
      return event.machine.location?.zone ?? null
    case 'priorities':
      return event.problem_report?.priority ?? null
    case 'problem_types':
      return event.problem_report?.problem_type ?? null
    case 'reporters':
      return reporterOf(event)
    case 'log_origins':
      return event.log_entry ? (event.log_entry.auto_generated ? 'automatic' : 'manual') : null
  }
}

const ABSENT: Record<RoutingCondition, string> = {
  machines: 'no machine',
  locations: 'no location',
  zones: 'no location',
  priorities: 'no problem report',
  problem_types: 'no problem report',
  reporters: 'no problem report',
  log_origins: 'no log entry',
}

/** The first condition of the rule the event fails, in words ("zone is workshop (this event:
 * front)"), or null when the rule matches. */
function ruleMiss(rule: RoutingRule, event: KnockerEvent): string | null {
  for (const condition of CONDITIONS) {
    const wanted = rule[condition] as readonly string[] | undefined
    if (!wanted) continue
    const value = valueOf(condition, event)
    if (value !== null && wanted.includes(value)) continue
    return `${describeCondition(condition, wanted)} (this event: ${value ?? ABSENT[condition]})`
  }
  return null
}

export type RulesOutcome =
  /** No rules: every event of the subscribed types. */
  | { matched: true; rule: null }
  | { matched: true; rule: { index: number; description: string } }
  | { matched: false; misses: string[] }

/** The first rule the event matches (OR across rules); without rules, everything matches. */
export function matchRules(rules: readonly RoutingRule[], event: KnockerEvent): RulesOutcome {
  if (rules.length === 0) return { matched: true, rule: null }
  const misses: string[] = []
  for (let index = 0; index < rules.length; index++) {
    const miss = ruleMiss(rules[index], event)
    if (miss === null) return { matched: true, rule: { index, description: describeRule(rules[index]) } }
    misses.push(miss)
  }
  return { matched: false, misses }
}
