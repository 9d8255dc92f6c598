// The machines poller's diff and the pollers' backoff, without a host.
import { describe, expect, it } from 'vitest'
import { machineEvents, snapshotOf, type HostMachine } from '../../src/main/core/intake/pollers/machinesDiff'
import type { PollersRepo, PollerRecord } from '../../src/main/core/db/pollersRepo'
import type { SettingsRepo } from '../../src/main/core/db/settingsRepo'
import type { IntakeWriter } from '../../src/main/core/intake/intakeWriter'
import type { Poller } from '../../src/main/core/intake/pollers/poller'
import { PollScheduler } from '../../src/main/core/intake/pollers/pollScheduler'
import { createLogger } from '../../src/main/core/log/logger'
import type { Dispatcher } from 'undici'
import { validateEvents } from '../../src/main/core/intake/validateIntake'

const SITE = new URL('https://flipfix.theflip.museum')
const m = (asset_id: string, patch: Partial<HostMachine> = {}): HostMachine => ({
  asset_id,
  name: `Machine ${asset_id}`,
  short_name: null,
  slug: `machine-${asset_id.toLowerCase()}`,
  operational_status: 'good',
  location: 'Museum',
  ...patch,
})

describe('machine snapshots and their diff', () => {
  it('is stable: the same list in any order gives the same snapshot', () => {
    expect(JSON.stringify(snapshotOf([m('M2'), m('M1')]))).toBe(JSON.stringify(snapshotOf([m('M1'), m('M2')])))
  })

  it('turns additions, status changes and moves into valid events with ids from the new version', () => {
    const before = snapshotOf([m('M1'), m('M2'), m('M3', { location: null }), m('M4')])
    const after = snapshotOf([
      m('M1', { operational_status: 'broken', location: 'Coin-Op' }),
      m('M2'),
      m('M3', { location: 'Workshop' }),
      m('M5', { name: 'Hokus Pokus', short_name: 'Hokus', slug: 'hokus-pokus' }),
    ])
    const events = machineEvents(before, after, { version: 7, siteUrl: SITE, now: Date.parse('2026-07-20T10:00:00Z') })
    const { events: valid, issues } = validateEvents(events)
    expect(issues).toEqual([])
    expect(valid.map((e) => [e.event_id, e.event])).toEqual([
      ['poll:machines:v7:M1:status', 'machine.status_changed'],
      ['poll:machines:v7:M1:location', 'machine.location_changed'],
      ['poll:machines:v7:M3:location', 'machine.location_changed'],
      ['poll:machines:v7:M5:created', 'machine.created'],
    ])
    expect(valid[1]).toMatchObject({
      occurred_at: '2026-07-20T10:00:00.000Z',
      site_url: 'https://flipfix.theflip.museum',
      machine: { location: { name: 'Coin-Op', slug: 'coin-op', zone: '' }, url: 'https://flipfix.theflip.museum/machines/machine-m1/' },
      change: { field: 'location', from: 'museum', from_label: 'Museum', to: 'coin-op', to_label: 'Coin-Op' },
    })
    expect(valid[2]).toMatchObject({ change: { from: null, from_label: null, to: 'workshop' } })
    // The same two snapshots again: the same ids (intake drops the repeats).
    expect(machineEvents(before, after, { version: 7, siteUrl: SITE, now: 0 }).map((e: any) => e.event_id)).toEqual(valid.map((e) => e.event_id))
    // A machine gone from the list is not an event; nothing changed is nothing.
    expect(machineEvents(before, snapshotOf([m('M1')]), { version: 8, siteUrl: SITE, now: 0 })).toEqual([])
  })

  it('keeps a site path prefix and makes odd slugs safe in URLs', () => {
    const events = machineEvents({}, snapshotOf([m('M9', { slug: 'a b/c' })]), { version: 1, siteUrl: new URL('https://host.example/flipfix/'), now: 0 })
    expect((events[0] as any).machine.url).toBe('https://host.example/flipfix/machines/a%20b%2Fc/')
    expect((events[0] as any).site_url).toBe('https://host.example/flipfix')
  })

  it('slugifies location names the way Django does', () => {
    // The list names a machine's location; its slug in the events is derived from that name.
    const slugOf = (location: string) => {
      const [created] = machineEvents({}, snapshotOf([m('M1', { location })]), { version: 1, siteUrl: SITE, now: 0 }) as any[]
      expect(created.machine.location.name).toBe(location)
      return created.machine.location.slug
    }
    expect(slugOf('Coin-Op')).toBe('coin-op')
    expect(slugOf('  Main   Floor! ')).toBe('main-floor')
    expect(slugOf('Café Área')).toBe('cafe-area')
  })
})

/** When the scheduler sets the next poll after the `failures`-th failed poll in a row of a
 * poller polling every `intervalSeconds`: the wait it records, in ms. */
async function backoffAfter(intervalSeconds: number, failures: number): Promise<number> {
  const NOW = 1_000_000
  const record = {
    id: 'machines', enabled: true, baseUrl: 'https://flipfix.example', hasApiKey: true, intervalSeconds,
    consecutiveFailures: failures - 1, state: null, stateVersion: 0, nextPollAt: null,
  } as unknown as PollerRecord
  const recorded: Array<{ now: number; nextPollAt: number }> = []
  const repo = {
    get: () => record,
    list: () => [record],
    apiKey: () => 'key',
    recordFailure: (_id: string, failure: { now: number; nextPollAt: number }) => recorded.push(failure),
    recordSuccess: () => expect.unreachable('the poll failed'),
  } as unknown as PollersRepo
  const unreachable: Poller = { id: 'machines', poll: async () => ({ kind: 'unreachable', message: 'Could not reach flipfix.example' }) }
  const scheduler = new PollScheduler({
    repo,
    intake: {} as IntakeWriter,
    settings: { get: () => ({ allow_private_targets: true }) } as unknown as SettingsRepo,
    clock: { now: () => NOW },
    logger: createLogger({ level: 'silent' }),
    dispatcher: {} as Dispatcher,
    timeoutMs: 1000,
    pollers: { machines: unreachable, event_feed: unreachable },
    logLocation: 'the log',
  })
  await scheduler.pollNow('machines')
  expect(recorded).toHaveLength(1)
  expect(recorded[0].now).toBe(NOW)
  return recorded[0].nextPollAt - NOW
}

describe('backoff', () => {
  it('doubles the interval per failure up to an hour (or the interval, if longer)', async () => {
    const waits = []
    for (const n of [1, 2, 3, 4, 5, 6, 7]) waits.push((await backoffAfter(60, n)) / 1000)
    expect(waits).toEqual([120, 240, 480, 960, 1920, 3600, 3600])
    expect(await backoffAfter(86_400, 3)).toBe(86_400_000)
    expect(await backoffAfter(60, 1000)).toBe(3_600_000)
  })
})
