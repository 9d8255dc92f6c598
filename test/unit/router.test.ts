import { describe, expect, it } from 'vitest'
import { decideRoutes, routeEvent } from '../../src/main/core/routing/router'
import { resolve } from 'node:path'
import { openDb } from '../../src/main/core/db/openDb'
import { SettingsRepo } from '../../src/main/core/db/settingsRepo'
import type { EndpointRecord } from '../../src/main/core/db/endpointsRepo'
import { EVENT_TYPES, type EventType, type KnockerEvent } from '../../src/shared/events'
import type { RoutingRule } from '../../src/shared/routingRules'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { endpointRecord } from '../fixtures/endpointRecord'

const endpoint = (id: string, patch: Partial<EndpointRecord> = {}): EndpointRecord =>
  endpointRecord(id, { events: ['problem_report.created', 'machine.created'], ...patch })

/** The settings of a fresh install (every switch on). */
const DEFAULT_SETTINGS = new SettingsRepo(openDb(':memory:', resolve(__dirname, '../../resources/migrations'))).get()

const sample = (type: EventType, patch: Record<string, unknown> = {}) => ({ ...structuredClone(SAMPLE_EVENTS[type]), ...patch }) as KnockerEvent

describe('routing', () => {
  it('routes to subscribed endpoints only', () => {
    const routed = routeEvent(sample('machine.created'), DEFAULT_SETTINGS, [endpoint('a'), endpoint('b', { events: ['log_entry.created'] })])
    expect(routed).toEqual([{ endpointId: 'a', status: 'pending' }])
  })

  it('suppresses with a reason when the master, event or endpoint switch is off', () => {
    const eps = [endpoint('a'), endpoint('b', { enabled: false })]
    const created = sample('machine.created')
    expect(routeEvent(created, DEFAULT_SETTINGS, eps).map((r) => r.status)).toEqual(['pending', 'suppressed'])
    const master = routeEvent(created, { ...DEFAULT_SETTINGS, delivery_enabled: false }, eps)
    expect(master.every((r) => r.status === 'suppressed' && /master/.test(r.reason!))).toBe(true)
    const perEvent = routeEvent(created, { ...DEFAULT_SETTINGS, events: { ...DEFAULT_SETTINGS.events, 'machine.created': false } }, eps)
    expect(perEvent[0]).toMatchObject({ status: 'suppressed', reason: expect.stringContaining('machine.created') })
    // Other event types are unaffected by that switch.
    expect(
      routeEvent(sample('problem_report.created'), { ...DEFAULT_SETTINGS, events: { ...DEFAULT_SETTINGS.events, 'machine.created': false } }, eps)[0]
        .status,
    ).toBe('pending')
  })
})

// The samples: problem_report.created is Eight Ball Deluxe (M0023, Museum, zone front), untriaged,
// type other, by a visitor; problem_report.reopened is Twilight Zone (M0031, Workshop), major,
// reported by the maintainer william; log_entry.created is Twilight Zone, a manual entry;
// machine.status_changed is Roto Pool (M0009, Museum) with an automatic log entry.
const EVERY_TYPE = { events: [...EVENT_TYPES] }

describe('routing rules: the matrix', () => {
  const cases: Array<{ rule: RoutingRule; event: KnockerEvent; matches: boolean; why: string }> = [
    { rule: { machines: ['M0031'] }, event: sample('log_entry.created'), matches: true, why: 'machine is M0031' },
    { rule: { machines: ['M0031', 'M0009'] }, event: sample('machine.status_changed'), matches: true, why: 'machine is M0031 or M0009' },
    { rule: { machines: ['M0031'] }, event: sample('problem_report.created'), matches: false, why: 'machine is M0031 (this event: M0023)' },
    { rule: { locations: ['workshop'] }, event: sample('problem_report.reopened'), matches: true, why: 'location is workshop' },
    { rule: { locations: ['workshop'] }, event: sample('machine.status_changed'), matches: false, why: 'location is workshop (this event: museum)' },
    { rule: { zones: ['workshop'] }, event: sample('log_entry.created'), matches: true, why: 'zone is workshop' },
    { rule: { zones: ['workshop'] }, event: sample('problem_report.created'), matches: false, why: 'zone is workshop (this event: front)' },
    {
      rule: { zones: ['workshop', 'front'] },
      event: sample('log_entry.created', { machine: { ...SAMPLE_EVENTS['log_entry.created'].machine, location: null } }),
      matches: false,
      why: 'zone is workshop or front (this event: no location)',
    },
    { rule: { priorities: ['major', 'unplayable'] }, event: sample('problem_report.reopened'), matches: true, why: 'priority is major or unplayable' },
    { rule: { priorities: ['unplayable'] }, event: sample('problem_report.created'), matches: false, why: 'priority is unplayable (this event: untriaged)' },
    { rule: { priorities: ['unplayable'] }, event: sample('log_entry.created'), matches: false, why: 'priority is unplayable (this event: no problem report)' },
    { rule: { problem_types: ['other'] }, event: sample('problem_report.created'), matches: true, why: 'problem type is other' },
    { rule: { problem_types: ['stuck_ball'] }, event: sample('problem_report.created'), matches: false, why: 'problem type is stuck_ball (this event: other)' },
    { rule: { reporters: ['visitor'] }, event: sample('problem_report.created'), matches: true, why: 'reported by a visitor' },
    { rule: { reporters: ['visitor'] }, event: sample('problem_report.reopened'), matches: false, why: 'reported by a visitor (this event: maintainer)' },
    {
      rule: { reporters: ['maintainer'] },
      event: sample('problem_report.created', { actor: { username: 'ken', display_name: 'ken', is_shared_account: false } }),
      matches: true,
      why: 'reported by a maintainer',
    },
    { rule: { log_origins: ['manual'] }, event: sample('log_entry.created'), matches: true, why: 'log entry is manual' },
    { rule: { log_origins: ['automatic'] }, event: sample('machine.status_changed'), matches: true, why: 'log entry is automatic' },
    { rule: { log_origins: ['automatic'] }, event: sample('log_entry.created'), matches: false, why: 'log entry is automatic (this event: manual)' },
    { rule: { log_origins: ['manual', 'automatic'] }, event: sample('problem_report.created'), matches: false, why: 'log entry is manual or automatic (this event: no log entry)' },
    // AND within a rule: every condition must hold.
    { rule: { zones: ['workshop'], priorities: ['major'] }, event: sample('problem_report.reopened'), matches: true, why: 'zone is workshop and priority is major' },
    { rule: { zones: ['workshop'], priorities: ['unplayable'] }, event: sample('problem_report.reopened'), matches: false, why: 'priority is unplayable (this event: major)' },
    { rule: { zones: ['front'], priorities: ['major'] }, event: sample('problem_report.reopened'), matches: false, why: 'zone is front (this event: workshop)' },
  ]

  it.each(cases)('$why → $matches', ({ rule, event, matches, why }) => {
    const [decision] = decideRoutes(event, DEFAULT_SETTINGS, [endpoint('ep', { ...EVERY_TYPE, rules: [rule] })])
    if (matches) {
      expect(decision).toMatchObject({ outcome: 'pending', route: { status: 'pending', matched: `matched: ${why}` } })
      expect(routeEvent(event, DEFAULT_SETTINGS, [endpoint('ep', { ...EVERY_TYPE, rules: [rule] })])).toHaveLength(1)
    } else {
      expect(decision).toEqual({ endpointId: 'ep', outcome: 'no_rule_matched', misses: [why] })
      // No delivery at all, not even a suppressed one.
      expect(routeEvent(event, DEFAULT_SETTINGS, [endpoint('ep', { ...EVERY_TYPE, rules: [rule] })])).toEqual([])
    }
  })

  it('OR across rules: the first rule that matches is recorded', () => {
    const rules: RoutingRule[] = [{ zones: ['front'] }, { priorities: ['major'] }, { machines: ['M0031'] }]
    const routed = routeEvent(sample('problem_report.reopened'), DEFAULT_SETTINGS, [endpoint('ep', { ...EVERY_TYPE, rules })])
    expect(routed).toEqual([{ endpointId: 'ep', status: 'pending', matched: 'matched: priority is major' }])
    const [none] = decideRoutes(sample('machine.status_changed'), DEFAULT_SETTINGS, [endpoint('ep', { ...EVERY_TYPE, rules: rules.slice(1) })])
    expect(none).toEqual({
      endpointId: 'ep',
      outcome: 'no_rule_matched',
      misses: ['priority is major (this event: no problem report)', 'machine is M0031 (this event: M0009)'],
    })
  })

  it('no rules: every event of the subscribed types, with nothing recorded (as before rules existed)', () => {
    for (const type of EVENT_TYPES) {
      expect(routeEvent(sample(type), DEFAULT_SETTINGS, [endpoint('ep', EVERY_TYPE)])).toEqual([{ endpointId: 'ep', status: 'pending' }])
    }
  })

  it('rules come after the subscription, and switches after the rules', () => {
    const workshop = { rules: [{ zones: ['workshop'] }] as RoutingRule[] }
    // Not subscribed: not even a matching rule sends it.
    expect(routeEvent(sample('log_entry.created'), DEFAULT_SETTINGS, [endpoint('ep', workshop)])).toEqual([])
    // Matched but switched off: recorded as suppressed, with the rule.
    const off = routeEvent(sample('log_entry.created'), DEFAULT_SETTINGS, [endpoint('ep', { ...EVERY_TYPE, ...workshop, enabled: false })])
    expect(off).toEqual([{ endpointId: 'ep', status: 'suppressed', reason: 'Suppressed: the endpoint was switched off', matched: 'matched: zone is workshop' }])
    // Not matched and switched off: nothing at all.
    expect(routeEvent(sample('problem_report.created'), DEFAULT_SETTINGS, [endpoint('ep', { ...EVERY_TYPE, ...workshop, enabled: false })])).toEqual([])
  })

  it('the workshop channel gets only workshop machines’ events; the floor team gets unplayable reports; the other channel everything', () => {
    const eps = [
      endpoint('workshop', { ...EVERY_TYPE, rules: [{ zones: ['workshop'] }] }),
      endpoint('floor', { events: ['problem_report.created', 'problem_report.reopened'], rules: [{ priorities: ['unplayable'] }, { reporters: ['visitor'] }] }),
      endpoint('all', EVERY_TYPE),
    ]
    const who = (event: KnockerEvent) => routeEvent(event, DEFAULT_SETTINGS, eps).map((r) => r.endpointId)
    expect(who(sample('log_entry.created'))).toEqual(['workshop', 'all'])
    expect(who(sample('problem_report.reopened'))).toEqual(['workshop', 'all'])
    expect(who(sample('problem_report.created'))).toEqual(['floor', 'all'])
    expect(who(sample('machine.status_changed'))).toEqual(['all'])
  })
})
