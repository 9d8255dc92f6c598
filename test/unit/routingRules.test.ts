// The rules' schema and "can this rule ever match these event types", as the core checks them
// at save time and the console as they are typed.
import { describe, expect, it } from 'vitest'
import { EVENT_TYPES, type EventType } from '../../src/shared/events'
import { RoutingRulesSchema, describeRule, unmatchableRules, type RoutingRule } from '../../src/shared/routingRules'

const firstIssue = (rules: unknown) => {
  const parsed = RoutingRulesSchema.safeParse(rules)
  expect(parsed.success).toBe(false)
  const issue = parsed.error!.issues[0]
  return { path: issue.path.join('.'), message: issue.message }
}

describe('the rules schema', () => {
  it('takes every condition, and no rules at all', () => {
    const rules = [
      { machines: ['M0031'], locations: ['workshop'], zones: ['workshop'], priorities: ['unplayable'], problem_types: ['stuck_ball'], reporters: ['visitor'], log_origins: ['manual'] },
    ]
    expect(RoutingRulesSchema.parse(rules)).toEqual(rules)
    expect(RoutingRulesSchema.parse([])).toEqual([])
  })

  it('refuses what could never match or means nothing, saying so', () => {
    expect(firstIssue([{ zones: [] }])).toEqual({ path: '0.zones', message: 'pick at least one zone, or remove the condition (an empty list can never match)' })
    expect(firstIssue([{ zones: ['basement'] }])).toEqual({ path: '0.zones.0', message: '"basement" is not a zone: one of front, workshop, storage, hidden' })
    expect(firstIssue([{ priorities: ['urgent'] }]).message).toBe('"urgent" is not a priority: one of unplayable, major, minor, task, untriaged')
    expect(firstIssue([{ problem_types: ['tilt'] }]).message).toMatch(/^"tilt" is not a problem type/)
    expect(firstIssue([{ reporters: ['robot'] }]).message).toMatch(/^"robot" is not a reporter/)
    expect(firstIssue([{ log_origins: ['imported'] }]).message).toMatch(/^"imported" is not a log entry origin/)
    expect(firstIssue([{ machines: ['M 31'] }]).message).toMatch(/asset id/)
    expect(firstIssue([{ locations: ['the workshop'] }]).message).toMatch(/slug/)
    expect(firstIssue([{ zones: ['front', 'front'] }]).message).toBe('a zone is listed twice')
    expect(firstIssue([{}]).message).toMatch(/^a rule needs at least one condition/)
    expect(firstIssue([{ zone: ['front'] }]).message).toMatch(/zone/)
    expect(firstIssue(Array(21).fill({ zones: ['front'] })).message).toBe('at most 20 rules')
  })
})

describe('rules that can never match the subscribed event types', () => {
  const problem = ['problem_report.created'] as EventType[]
  const cases: Array<[RoutingRule, EventType[], RegExp | null]> = [
    [{ zones: ['workshop'] }, ['machine.created'], null],
    [{ zones: ['workshop'] }, [], /receives no event type/],
    [{ priorities: ['unplayable'] }, problem, null],
    [{ priorities: ['unplayable'] }, ['log_entry.created', 'machine.status_changed'], /priority, problem type and reporter only apply to problem report events/],
    [{ reporters: ['visitor'] }, ['machine.created'], /only apply to problem report events/],
    [{ problem_types: ['stuck_ball'] }, ['problem_report.closed'], null],
    [{ log_origins: ['automatic'] }, ['machine.status_changed'], null],
    [{ log_origins: ['manual'] }, problem, /a log entry origin only applies to events that carry a log entry/],
    // Both kinds of condition: only a report closed or reopened carries a report and a log entry.
    [{ priorities: ['major'], log_origins: ['automatic'] }, ['problem_report.created', 'log_entry.created'], /need an event that carries both/],
    [{ priorities: ['major'], log_origins: ['automatic'] }, ['problem_report.reopened'], null],
  ]
  it.each(cases)('%j with %j', (rule, events, refusal) => {
    const issues = unmatchableRules([rule], events)
    if (refusal === null) expect(issues).toEqual([])
    else expect(issues).toEqual([{ path: '0', message: expect.stringMatching(refusal) }])
  })

  it('names each rule that can never match, and only those', () => {
    const issues = unmatchableRules([{ zones: ['front'] }, { priorities: ['unplayable'] }], ['machine.status_changed'])
    expect(issues).toEqual([
      {
        path: '1',
        message:
          'Rule 2 ("priority is unplayable") can never match: priority, problem type and reporter only apply to problem report events, and this endpoint receives none. Subscribe to such events or change the rule.',
      },
    ])
    expect(unmatchableRules([{ zones: ['front'] }, { priorities: ['unplayable'] }], [...EVENT_TYPES])).toEqual([])
  })

  it('describes a rule the way the history records it', () => {
    expect(describeRule({ zones: ['workshop'] })).toBe('zone is workshop')
    expect(describeRule({ log_origins: ['automatic'], machines: ['M0031', 'M0009'], reporters: ['visitor', 'maintainer'] })).toBe(
      'machine is M0031 or M0009 and reported by a visitor or a maintainer and log entry is automatic',
    )
  })
})
