// The claim stage: the head alone, or a backlog as one digest formatted once; alerts go alone.
import { describe, expect, it } from 'vitest'
import type { ChannelRegistry } from '../../../src/main/core/channels/registry'
import type { DigestItem } from '../../../src/main/core/channels/types'
import type { EndpointsRepo } from '../../../src/main/core/db/endpointsRepo'
import { Claim } from '../../../src/main/core/delivery/claim'
import type { DeliveryRow } from '../../../src/main/core/delivery/handoffs'
import type { Outbox } from '../../../src/main/core/delivery/outbox'
import type { QueueView } from '../../../src/main/core/delivery/queueView'
import type { ThreadStore } from '../../../src/main/core/delivery/threads'
import { ATTENTION_ALERT_TYPE } from '../../../src/shared/attentionAlert'
import { SAMPLE_EVENTS } from '../../../src/shared/samples'
import { fakeChannel, answered, row, T0 } from './fakes'

function setUp(rows: Array<DeliveryRow & { eventType: string }>, options: Record<string, unknown> = {}, fits = 10, afterOutage = false) {
  const claims: number[][] = []
  const formatted: number[] = []
  const looked = { dueRuns: 0 }
  const outbox = {
    claim: (ids: number[]) => (claims.push(ids), rows.filter((r) => ids.includes(r.id)).map((r) => ({ ...r, status: 'sending', attemptCount: r.attemptCount + 1 }))),
  } as unknown as Outbox
  const queue = {
    dueRun: () => (looked.dueRuns++, rows),
    event: (seq: number) => {
      const r = rows.find((x) => x.eventSeq === seq)!
      const payload = r.eventType === ATTENTION_ALERT_TYPE ? { endpoint_id: 'ep_2' } : SAMPLE_EVENTS['problem_report.created']
      return { payload: JSON.stringify(payload), isTest: false, eventId: `e${seq}`, eventType: r.eventType }
    },
  } as unknown as QueueView
  const channel = fakeChannel(async () => answered(200), () => ({ result: 'delivered' }))
  channel.digest = {
    maxItems: 10,
    format: (items: DigestItem[]) => (formatted.push(items.length), { body: { n: Math.min(items.length, fits) }, summary: 'digest', included: Math.min(items.length, fits) }),
  }
  const endpoint = { id: 'ep_1', name: 'Desk', kind: 'discord', enabled: true, options, needsAttention: null }
  const endpoints = { get: () => endpoint, nameOf: () => endpoint, target: () => ({ url: 'x' }) } as unknown as EndpointsRepo
  const claim = new Claim({
    outbox,
    queue,
    threads: { get: () => null } as unknown as ThreadStore,
    endpoints,
    channels: { discord: channel } as unknown as ChannelRegistry,
    owner: 'me',
    timeoutMs: 1000,
    offline: () => false,
    wasOfflineSince: () => afterOutage,
  })
  return { claim, claims, formatted, looked }
}

const waiting = (id: number, eventType = 'problem_report.created') => ({ ...row({ id, eventSeq: id, status: 'pending', attemptCount: 0, createdAt: T0 }), eventType })
const head = { id: 1, endpointId: 'ep_1', kind: 'discord' as const, nextAttemptAt: T0, createdAt: T0 }
/** A backlog's oldest message has waited 10 s: it may go as a digest. */
const later = T0 + 10_000

describe('claim stage', () => {
  it('claims a backlog as one digest, formatted once, with as many as fit', () => {
    const { claim, claims, formatted } = setUp([waiting(1), waiting(2), waiting(3), waiting(4)], {}, 3)
    const run = claim.next(head, later)!
    expect(claims).toEqual([[1, 2, 3]])
    expect(formatted).toEqual([4])
    expect(run.digest).toEqual({ body: { n: 3 }, summary: 'digest' })
    expect(run.items.map((i) => [i.delivery.id, i.delivery.attemptCount])).toEqual([[1, 1], [2, 1], [3, 1]])
  })

  it('a fresh burst, a short run, or digests switched off: the head alone', () => {
    expect(setUp([waiting(1), waiting(2), waiting(3)]).claim.next(head, later - 1)?.digest).toBeNull()
    const short = setUp([waiting(1), waiting(2)])
    expect(short.claim.next(head, later)?.items).toHaveLength(1)
    const off = setUp([waiting(1), waiting(2), waiting(3)], { digests: false })
    expect(off.claim.next(head, later)?.items).toHaveLength(1)
    expect(off.formatted).toEqual([])
  })

  it('held up by an outage, a backlog goes as a digest however young', () => {
    // Knocker was offline while these came in (an outage of a few seconds): they waited for it.
    const { claim, claims } = setUp([waiting(1), waiting(2), waiting(3)], {}, 10, true)
    expect(claim.next(head, T0 + 3_000)?.digest).not.toBeNull()
    expect(claims).toEqual([[1, 2, 3]])
  })

  it('a head younger than the wait: no backlog is looked for', () => {
    const { claim, claims, looked } = setUp([waiting(1), waiting(2), waiting(3)])
    claim.next(head, later - 1)
    expect(looked.dueRuns).toBe(0)
    expect(claims).toEqual([[1]])
    claim.next(head, later)
    expect(looked.dueRuns).toBe(1)
  })

  it('Knocker’s own alert is never part of a digest: the run stops before it', () => {
    const { claim, claims } = setUp([waiting(1), waiting(2), waiting(3, ATTENTION_ALERT_TYPE), waiting(4), waiting(5)])
    claim.next(head, later)
    expect(claims).toEqual([[1]])
  })

  it('edits, and the posts that may be edited, go alone: the run stops before them', () => {
    const edit = { ...waiting(3, 'problem_report.closed'), editOf: 1 }
    expect(setUp([waiting(1, 'log_entry.created'), waiting(2, 'log_entry.created'), edit, waiting(4), waiting(5)]).claim.next(head, later)?.items).toHaveLength(1)
    const logs = [1, 2, 3].map((id) => waiting(id, 'log_entry.created'))
    const editing = setUp([...logs, waiting(4), waiting(5)], { report_updates: 'edit' })
    editing.claim.next(head, later)
    expect(editing.claims).toEqual([[1, 2, 3]])
    const posting = setUp([...logs, waiting(4), waiting(5)])
    posting.claim.next(head, later)
    expect(posting.claims).toEqual([[1, 2, 3, 4, 5]])
  })

  it('two released together after quiet hours already go as one digest', () => {
    const held = (id: number) => ({ ...waiting(id, 'log_entry.created'), holdReason: 'held: quiet hours until 07:00' })
    const released = setUp([held(1), held(2)])
    released.claim.next(head, later)
    expect(released.claims).toEqual([[1, 2]])
    const fresh = setUp([waiting(1, 'log_entry.created'), waiting(2, 'log_entry.created')])
    fresh.claim.next(head, later)
    expect(fresh.claims).toEqual([[1]])
  })

  it('nothing when someone else claimed the head first', () => {
    const { claim } = setUp([])
    expect(claim.next(head, later)).toBeNull()
  })
})
