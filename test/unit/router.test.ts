import { describe, expect, it } from 'vitest'
import { routeEvent } from '../../src/main/core/routing/router'
import { resolve } from 'node:path'
import { openDb } from '../../src/main/core/db/openDb'
import { SettingsRepo } from '../../src/main/core/db/settingsRepo'
import type { EndpointRecord } from '../../src/main/core/db/endpointsRepo'

const endpoint = (id: string, patch: Partial<EndpointRecord> = {}): EndpointRecord => ({
  id,
  name: id,
  kind: 'discord',
  enabled: true,
  events: ['problem_report.created', 'machine.created'],
  targetHint: '',
  options: {},
  needsAttention: null,
  needsAttentionAt: null,
  createdAt: 0,
  updatedAt: 0,
  ...patch,
})

/** The settings of a fresh install (every switch on). */
const DEFAULT_SETTINGS = new SettingsRepo(openDb(':memory:', resolve(__dirname, '../../resources/migrations'))).get()

describe('routing', () => {
  it('routes to subscribed endpoints only', () => {
    const routed = routeEvent('machine.created', DEFAULT_SETTINGS, [
      endpoint('a'),
      endpoint('b', { events: ['log_entry.created'] }),
    ])
    expect(routed).toEqual([{ endpointId: 'a', status: 'pending' }])
  })

  it('suppresses with a reason when the master, event or endpoint switch is off', () => {
    const eps = [endpoint('a'), endpoint('b', { enabled: false })]
    expect(routeEvent('machine.created', DEFAULT_SETTINGS, eps).map((r) => r.status)).toEqual(['pending', 'suppressed'])
    const master = routeEvent('machine.created', { ...DEFAULT_SETTINGS, delivery_enabled: false }, eps)
    expect(master.every((r) => r.status === 'suppressed' && /master/.test(r.reason!))).toBe(true)
    const perEvent = routeEvent(
      'machine.created',
      { ...DEFAULT_SETTINGS, events: { ...DEFAULT_SETTINGS.events, 'machine.created': false } },
      eps,
    )
    expect(perEvent[0]).toMatchObject({ status: 'suppressed', reason: expect.stringContaining('machine.created') })
    // Other event types are unaffected by that switch.
    expect(
      routeEvent('problem_report.created', { ...DEFAULT_SETTINGS, events: { ...DEFAULT_SETTINGS.events, 'machine.created': false } }, eps)[0]
        .status,
    ).toBe('pending')
  })
})
