// Routing rules of an endpoint, on top of its event types: which machines, places, problem
// priorities and types, reporters and log entry origins it wants. Within a rule every condition
// must hold (AND), and a condition holds when the event has any of its values (OR); the
// endpoint gets an event when any rule matches (OR across rules). No rules: every event of its
// subscribed types, as before. No Node, no DOM: the console validates and describes the same way.
import { z } from 'zod'
import type { EventType } from './events'

/** Flipfix's location zones, problem priorities and problem types. */
export const ZONES = ['front', 'workshop', 'storage', 'hidden'] as const
export const PRIORITIES = ['unplayable', 'major', 'minor', 'task', 'untriaged'] as const
export const PROBLEM_TYPES = ['stuck_ball', 'no_credits', 'other'] as const
/** Who reported the problem: a visitor (by a machine's QR code) or a maintainer's account. */
export const REPORTERS = ['visitor', 'maintainer'] as const
/** A log entry written by a person, or one Flipfix writes itself ("Status changed: Good → Broken"). */
export const LOG_ORIGINS = ['manual', 'automatic'] as const

export const ZONE_LABELS: Record<(typeof ZONES)[number], string> = { front: 'Front', workshop: 'Workshop', storage: 'Storage', hidden: 'Hidden' }
export const PRIORITY_LABELS: Record<(typeof PRIORITIES)[number], string> = {
  unplayable: 'Unplayable',
  major: 'Major',
  minor: 'Minor',
  task: 'Task',
  untriaged: 'Untriaged',
}
export const PROBLEM_TYPE_LABELS: Record<(typeof PROBLEM_TYPES)[number], string> = { stuck_ball: 'Stuck ball', no_credits: 'No credits', other: 'Other' }
export const REPORTER_LABELS: Record<(typeof REPORTERS)[number], string> = { visitor: 'a visitor', maintainer: 'a maintainer' }
export const LOG_ORIGIN_LABELS: Record<(typeof LOG_ORIGINS)[number], string> = { manual: 'manual', automatic: 'automatic' }

/** The event types that carry a problem report, and those that may carry a log entry. */
const PROBLEM_EVENT_TYPES: readonly EventType[] = ['problem_report.created', 'problem_report.closed', 'problem_report.reopened']
const LOG_EVENT_TYPES: readonly EventType[] = [
  'log_entry.created',
  'machine.created',
  'machine.status_changed',
  'machine.location_changed',
  'problem_report.closed',
  'problem_report.reopened',
]

/** In the order a rule is described and checked. */
export const CONDITIONS = ['machines', 'locations', 'zones', 'priorities', 'problem_types', 'reporters', 'log_origins'] as const

const MAX_VALUES = 100
/** A list of values, one of which the event must have: empty could never match. */
function anyOf<T extends z.ZodType>(item: T, what: string) {
  return z
    .array(item)
    .min(1, `pick at least one ${what}, or remove the condition (an empty list can never match)`)
    .max(MAX_VALUES, `at most ${MAX_VALUES} values`)
    .refine((list) => new Set(list).size === list.length, `a ${what} is listed twice`)
}
const oneOf = <const T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: (issue) => `"${String(issue.input)}" is not a ${what}: one of ${values.join(', ')}` })

const assetId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$/, 'an asset id like M0031 (letters, digits, - and _)')
const slug = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,200}$/, "a location's slug like workshop (letters, digits, - and _)")

export const RoutingRuleSchema = z
  .object({
    /** Machines by asset id ("M0031"). */
    machines: anyOf(assetId, 'machine').optional(),
    /** Locations by slug ("workshop", "museum"). */
    locations: anyOf(slug, 'location').optional(),
    zones: anyOf(oneOf(ZONES, 'zone'), 'zone').optional(),
    priorities: anyOf(oneOf(PRIORITIES, 'priority'), 'priority').optional(),
    problem_types: anyOf(oneOf(PROBLEM_TYPES, 'problem type'), 'problem type').optional(),
    reporters: anyOf(oneOf(REPORTERS, 'reporter'), 'reporter').optional(),
    log_origins: anyOf(oneOf(LOG_ORIGINS, 'log entry origin'), 'log entry origin').optional(),
  })
  .strict()
  .refine((rule) => CONDITIONS.some((c) => rule[c] !== undefined), {
    message: 'a rule needs at least one condition (with no rules at all, the endpoint gets every event of its types)',
  })
export type RoutingRule = z.infer<typeof RoutingRuleSchema>
export type RoutingCondition = (typeof CONDITIONS)[number]

export const MAX_RULES = 20
export const RoutingRulesSchema = z.array(RoutingRuleSchema).max(MAX_RULES, `at most ${MAX_RULES} rules`)

const PROBLEM_CONDITIONS: readonly RoutingCondition[] = ['priorities', 'problem_types', 'reporters']

/** What each condition says, for the history ("zone is workshop") and the console. */
const PHRASES: Record<RoutingCondition, (values: string[]) => string> = {
  machines: (v) => `machine is ${v.join(' or ')}`,
  locations: (v) => `location is ${v.join(' or ')}`,
  zones: (v) => `zone is ${v.join(' or ')}`,
  priorities: (v) => `priority is ${v.join(' or ')}`,
  problem_types: (v) => `problem type is ${v.join(' or ')}`,
  reporters: (v) => `reported by ${v.map((r) => REPORTER_LABELS[r as (typeof REPORTERS)[number]] ?? r).join(' or ')}`,
  log_origins: (v) => `log entry is ${v.join(' or ')}`,
}

export function describeCondition(condition: RoutingCondition, values: readonly string[]): string {
  return PHRASES[condition]([...values])
}

/** "zone is workshop and priority is unplayable or major". */
export function describeRule(rule: RoutingRule): string {
  return CONDITIONS.filter((c) => rule[c] !== undefined)
    .map((c) => describeCondition(c, rule[c] as string[]))
    .join(' and ')
}

/** The event types a rule can match among those subscribed: a priority needs a problem report,
 * a log entry origin needs a log entry. */
function typesRuleCanMatch(rule: RoutingRule, subscribed: readonly EventType[]): EventType[] {
  const needsProblem = PROBLEM_CONDITIONS.some((c) => rule[c] !== undefined)
  const needsLog = rule.log_origins !== undefined
  return subscribed.filter((t) => (!needsProblem || PROBLEM_EVENT_TYPES.includes(t)) && (!needsLog || LOG_EVENT_TYPES.includes(t)))
}

/** Rules that can never match any event of the subscribed types, each with what to do about it.
 * Paths are relative to the rule list ("2"). */
export function unmatchableRules(rules: readonly RoutingRule[], subscribed: readonly EventType[]): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = []
  rules.forEach((rule, i) => {
    if (typesRuleCanMatch(rule, subscribed).length > 0) return
    const needsProblem = PROBLEM_CONDITIONS.some((c) => rule[c] !== undefined)
    const needsLog = rule.log_origins !== undefined
    const what =
      subscribed.length === 0
        ? 'this endpoint receives no event type'
        : needsProblem && needsLog
          ? 'its problem report and log entry conditions need an event that carries both (a problem report closed or reopened), and this endpoint receives none'
          : needsProblem
            ? 'priority, problem type and reporter only apply to problem report events, and this endpoint receives none'
            : 'a log entry origin only applies to events that carry a log entry (log entries, machine changes, reports closed or reopened), and this endpoint receives none'
    issues.push({ path: String(i), message: `Rule ${i + 1} ("${describeRule(rule)}") can never match: ${what}. Subscribe to such events or change the rule.` })
  })
  return issues
}
