// Per-person digests on a fake clock: a person's events wait for 5 quiet minutes (at most 15),
// visitor reports go at once, and held events linked by a person or a machine move together.
import { describe, expect, it } from 'vitest'
import { groupByMachine } from '../../src/main/core/delivery/claim'
import { planPersonHold, type PersonHeld } from '../../src/main/core/routing/personDigest'
import type { KnockerEvent } from '../../src/shared/events'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { item, row } from './delivery/fakes'

const T = new Date(2026, 6, 20, 14, 0).getTime()
const MIN = 60_000
const person = (username: string) => ({ username, display_name: username[0].toUpperCase() + username.slice(1), is_shared_account: false })
function ev(actor: string | null, machine: string): KnockerEvent {
  const e = structuredClone(SAMPLE_EVENTS['log_entry.created']) as KnockerEvent
  return { ...e, actor: actor ? person(actor) : null, machine: { ...e.machine, asset_id: machine } } as KnockerEvent
}
const held = (id: number, actor: string | null, machine: string, createdAt = T): PersonHeld => ({ id, createdAt, actor, machine })

describe('per-person digests', () => {
  it('a maintainer’s event waits 5 minutes; each further one starts the 5 minutes again', () => {
    expect(planPersonHold(ev('ken', 'M1'), [], T)).toEqual({ hold: { until: T + 5 * MIN, reason: 'held: waiting for Ken to finish (until 14:05)' }, moved: [] })
    const second = planPersonHold(ev('ken', 'M2'), [held(1, 'ken', 'M1')], T + 3 * MIN)
    expect(second.hold?.until).toBe(T + 8 * MIN)
    expect(second.moved).toEqual([{ id: 1, until: T + 8 * MIN, reason: 'held: waiting for Ken to finish (until 14:08)' }])
  })

  it('never more than 15 minutes after the first', () => {
    const plan = planPersonHold(ev('ken', 'M1'), [held(1, 'ken', 'M1', T), held(2, 'ken', 'M1', T + 4 * MIN)], T + 12 * MIN)
    expect(plan.hold?.until).toBe(T + 15 * MIN)
    expect(plan.moved.map((m) => m.until)).toEqual([T + 15 * MIN, T + 15 * MIN])
  })

  it('a visitor report goes at once, and releases what waits about its machine', () => {
    const plan = planPersonHold(ev(null, 'M1'), [held(1, 'ken', 'M1'), held(2, 'ken', 'M2')], T + MIN)
    expect(plan).toEqual({ hold: null, moved: [{ id: 1, until: T + MIN, reason: null }] })
  })

  it('people on one machine wait together, so a machine’s events keep their order', () => {
    // Ken's on M1 and M2 wait; Diana works on M2; Reba on M3 is unrelated.
    const waiting = [held(1, 'ken', 'M1'), held(2, 'ken', 'M2'), held(3, 'reba', 'M3')]
    const plan = planPersonHold(ev('diana', 'M2'), waiting, T + 2 * MIN)
    expect(plan.moved.map((m) => m.id)).toEqual([1, 2])
    expect(new Set(plan.moved.map((m) => m.until))).toEqual(new Set([plan.hold!.until]))
  })

  it('a digest of a person’s events reads grouped by machine, each machine in order', () => {
    const at = (id: number, machine: string) => item(row({ id }), { event: ev('ken', machine) })
    const grouped = groupByMachine([at(1, 'M1'), at(2, 'M2'), at(3, 'M1'), at(4, 'M3'), at(5, 'M2')])
    expect(grouped.map((i) => i.delivery.id)).toEqual([1, 3, 2, 5, 4])
  })
})
