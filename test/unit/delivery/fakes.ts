// Stand-ins for the stages' ports: rows, runs and a clock, no SQLite.
import type { Channel, Outcome, SendResult } from '../../../src/main/core/channels/types'
import { Backoff } from '../../../src/main/core/delivery/backoff'
import type { ClaimedRun, DeliveryRow, MessageItem } from '../../../src/main/core/delivery/handoffs'
import { SAMPLE_EVENTS } from '../../../src/shared/samples'
import { formatCtx } from '../formatContext'

export const T0 = Date.parse('2026-07-18T19:00:00Z')

export class FakeClock {
  constructor(public t = T0) {}
  now = () => this.t
  advance(ms: number) {
    this.t += ms
  }
}

export function row(patch: Partial<DeliveryRow> = {}): DeliveryRow {
  return {
    id: 1,
    eventSeq: 1,
    endpointId: 'ep_1',
    status: 'sending',
    isTest: false,
    attemptCount: 1,
    failureCount: 0,
    nextAttemptAt: T0,
    nextTrigger: 'scheduled',
    leaseOwner: 'me',
    leaseExpiresAt: null,
    lastErrorClass: null,
    lastError: null,
    lastStatusCode: null,
    remoteId: null,
    editOf: null,
    holdReason: null,
    routeReason: null,
    createdAt: T0,
    updatedAt: T0,
    deliveredAt: null,
    ...patch,
  }
}

export function item(delivery: DeliveryRow = row(), patch: Partial<MessageItem> = {}): MessageItem {
  return {
    delivery,
    eventType: 'problem_report.created',
    isTest: false,
    event: SAMPLE_EVENTS['problem_report.created'],
    alert: null,
    relay: null,
    morning: null,
    ctx: formatCtx({ delivery: { id: delivery.id, eventId: 'e', endpointId: delivery.endpointId, createdAt: delivery.createdAt } }),
    ...patch,
  }
}

export function run(patch: Partial<ClaimedRun> = {}): ClaimedRun {
  return {
    endpointId: 'ep_1',
    kind: 'discord',
    endpoint: { id: 'ep_1', name: 'Front desk', kind: 'discord', enabled: true, options: {}, needsAttention: null } as ClaimedRun['endpoint'],
    target: { url: 'https://example.test/secret-token-123' },
    trigger: 'scheduled',
    items: [item()],
    digest: null,
    ...patch,
  }
}

export const answered = (status: number, body = ''): SendResult => ({ ok: true, response: { status, headers: {}, body }, durationMs: 12 })

/** A channel whose send and classify are the test's. */
export function fakeChannel(send: () => Promise<SendResult>, classify: (r: SendResult) => Outcome): Channel<unknown> {
  return {
    kind: 'discord',
    parseTarget: (input) => input,
    redactTarget: () => 'fake',
    format: (event) => ({ body: { text: event.event }, summary: 'summary' }),
    formatAlert: () => ({ body: { text: 'alert' }, summary: 'alert' }),
    formatRelay: (message) => ({ body: { text: message.label }, summary: 'relayed' }),
    formatMorning: (report) => ({ body: { text: report.date }, summary: 'morning' }),
    send,
    classify,
  }
}

/** The pause the backoff stage sets after this outcome: how long, and for the whole kind or not. */
export function pauseAfter(outcome: Outcome): { waitMs: number; global: boolean } | null {
  const backoff = new Backoff()
  backoff.observe('ep_1', 'kind_1', outcome, T0)
  const endpoint = backoff.pauseRemainingMs('ep_1', 'kind_2', T0)
  const kind = backoff.pauseRemainingMs('ep_2', 'kind_1', T0)
  return endpoint > 0 ? { waitMs: endpoint, global: false } : kind > 0 ? { waitMs: kind, global: true } : null
}
