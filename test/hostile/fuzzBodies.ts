// Generated intake requests for the fuzz test: malformed bodies of every sort (not JSON,
// truncated, wrong content type, invalid UTF-8, half surrogate pairs, wrong shapes and
// types, huge and deeply nested values, bad tokens) and valid events full of hostile text.
// Each case says what intake must answer. Invalid cases are invalid by construction (a
// required field removed, a value of the wrong type …), not by asking the schema.
import { EVENT_TYPES, MAX_BATCH, type EventType, type KnockerEvent } from '../../src/shared/events'
import { hostileEvent, hostileText } from './hostileEvents'
import type { Rng } from './prng'

export interface FuzzCase {
  n: number
  kind: string
  method: 'POST' | 'GET' | 'PUT'
  body: Buffer | null
  contentType: string | null
  token: 'ingest' | 'none' | 'wrong'
  /** Send without Content-Length (chunked). */
  chunked: boolean
  /** Acceptable answers. */
  statuses: number[]
  /** The events a 2xx stores (valid cases only). */
  events: KnockerEvent[]
}

export const CONTACT_SENTINEL = 'contact-sentinel-5550100@visitor.example'
const MAX_BODY = 256 * 1024

/** Types whose destinations are paced slowly (email) get a quota so the test stays fast. */
export interface TypeQuota {
  type: EventType
  max: number
}

export function createFuzzCases(rng: Rng, count: number, quota: TypeQuota): FuzzCase[] {
  let quotaLeft = quota.max
  let next = 0
  const eventId = () => `fuzz:${next++}:${rng.int(0, 1e9).toString(36)}`
  const pickType = (): EventType => {
    for (;;) {
      const type = rng.pick(EVENT_TYPES)
      if (type !== quota.type) return type
      if (quotaLeft > 0) {
        quotaLeft -= 1
        return type
      }
    }
  }
  const valid = () => hostileEvent(rng, pickType(), eventId())
  /** A valid event for invalid cases: its type never counts against the quota. */
  const scratch = () => hostileEvent(rng, rng.pick(EVENT_TYPES.filter((t) => t !== quota.type)), eventId())

  const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8')
  const base = (n: number, kind: string, body: Buffer | null, statuses: number[], events: KnockerEvent[] = []): FuzzCase => ({
    n,
    kind,
    method: 'POST',
    body,
    contentType: 'application/json',
    token: 'ingest',
    chunked: rng.chance(0.05),
    statuses,
    events,
  })
  /** JSON text of an event with `sentinel` (a string value) replaced by raw JSON text. */
  const withRaw = (event: unknown, sentinel: string, raw: string) =>
    Buffer.from(JSON.stringify(event).replace(JSON.stringify(sentinel), raw), 'utf8')

  const generators: Array<[number, (n: number) => FuzzCase]> = [
    // --- valid, hostile -----------------------------------------------------------------
    [4, (n) => {
      const event = valid()
      return base(n, 'valid', json(event), [202], [event])
    }],
    [1, (n) => {
      const events = Array.from({ length: rng.int(2, 4) }, valid)
      return base(n, 'valid batch', json({ events }), [202], events)
    }],
    [1, (n) => {
      // Unknown fields (prototype keys, a reporter's contact, junk) are dropped, not refused.
      const event = valid() as any
      const junk = { __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } }
      const extra = { ...event, extra: 'x'.repeat(rng.int(0, 5000)), nested: junk }
      if (extra.problem_report) {
        extra.problem_report = { ...extra.problem_report, reported_by_contact: CONTACT_SENTINEL }
        extra.problem_report.reporter = { ...extra.problem_report.reporter, contact: CONTACT_SENTINEL }
      }
      const text = '{"__proto__":{"polluted":true},' + JSON.stringify(extra).slice(1)
      return base(n, 'valid with unknown fields', Buffer.from(text), [202], [event])
    }],
    // --- not JSON ---------------------------------------------------------------------------
    [6, (n) => {
      const bytes = Buffer.from(Array.from({ length: rng.int(1, 2000) }, () => rng.int(0, 255)))
      return base(n, 'random bytes', bytes, [400, 415])
    }],
    [6, (n) => {
      const alphabet = '{}[]":,0123456789.-+eEtruefalsnul \n\t\\/abc'
      const text = Array.from({ length: rng.int(1, 400) }, () => rng.pick([...alphabet])).join('')
      return base(n, 'json-ish garbage', Buffer.from(text), [400, 415])
    }],
    [6, (n) => {
      const text = JSON.stringify(scratch())
      return base(n, 'truncated', Buffer.from(text.slice(0, rng.int(0, text.length - 1))), [415])
    }],
    [3, (n) => {
      const types = [null, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'text/json']
      return { ...base(n, 'wrong content type', json(scratch()), [415]), contentType: rng.pick(types) }
    }],
    [5, (n) => {
      const bad = rng.pick([[0xff], [0xc3, 0x28], [0xc0, 0xaf], [0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]])
      const event = scratch() as any
      event.machine.name = 'before@@BAD@@after'
      const [a, b] = JSON.stringify(event).split('@@BAD@@')
      return base(n, 'invalid UTF-8', Buffer.concat([Buffer.from(a), Buffer.from(bad), Buffer.from(b)]), [415])
    }],
    [4, (n) => {
      const event = scratch() as any
      const lone = rng.pick(['\\ud800', '\\udfff', '\\ud83d', 'x\\udc00y'])
      const field = rng.pick(['machine.name', 'event_id', 'machine.asset_id'])
      if (field === 'machine.name') event.machine.name = '@@LONE@@'
      else if (field === 'event_id') event.event_id = '@@LONE@@'
      else event.machine.asset_id = '@@LONE@@'
      return base(n, 'half a surrogate pair', withRaw(event, '@@LONE@@', `"${lone}"`), [400])
    }],
    // --- JSON of the wrong shape ------------------------------------------------------------
    [4, (n) => {
      const root = rng.pick(['[]', '[1,2]', '0', '-1.5e300', '"event"', 'null', 'true', '{}', '{"events":[]}', '{"events":"x"}', '{"events":{"length":1}}', '{"events":null}', `[${JSON.stringify(scratch())}]`])
      return base(n, 'wrong shape', Buffer.from(root), [400])
    }],
    [1, (n) => {
      const events = Array.from({ length: MAX_BATCH + 1 }, () => ({}))
      return base(n, 'batch too long', json({ events }), [400])
    }],
    [16, (n) => mutated(n)],
    [4, (n) => {
      // One bad event poisons the batch: nothing of it is stored.
      const events: unknown[] = Array.from({ length: rng.int(1, 4) }, scratch)
      const bad = scratch() as any
      delete bad[rng.pick(['event_id', 'machine', 'schema', 'occurred_at'])]
      events.splice(rng.int(0, events.length), 0, bad)
      return base(n, 'batch with one invalid event', json({ events }), [400])
    }],
    [3, (n) => {
      // Deep nesting where a string belongs, or as the whole body.
      const depth = rng.pick([100, 5_000, 50_000])
      const nested = rng.chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
      if (rng.chance(0.3)) return base(n, 'deep nesting (root)', Buffer.from(nested), [400, 413])
      const event = scratch() as any
      event.machine.name = '@@DEEP@@'
      return base(n, 'deep nesting (field)', withRaw(event, '@@DEEP@@', nested), [400, 413])
    }],
    [1, (n) => {
      const event = scratch() as any
      event.machine.name = 'x'.repeat(MAX_BODY + rng.int(1, 50_000))
      return base(n, 'over 256 KiB', json(event), [413])
    }],
    // --- not intake's business ---------------------------------------------------------------
    [2, (n) => ({ ...base(n, 'no or wrong token', json(scratch()), [401]), token: rng.pick(['none', 'wrong'] as const) })],
    [1, (n) => ({ ...base(n, 'wrong method', null, [405]), method: rng.pick(['GET', 'PUT'] as const), contentType: null })],
  ]

  /** A valid event with one change that the contract forbids. */
  function mutated(n: number): FuzzCase {
    const event = scratch() as any
    const type = event.event as EventType
    const nonString = () => rng.pick<unknown>([42, true, [], {}, { $gt: '' }, ['@everyone']])
    const mutations: Array<() => Buffer | void> = [
      () => void delete event[rng.pick(['schema', 'event_id', 'event', 'occurred_at', 'site_url', 'machine'])],
      () => void (event.schema = rng.pick(['flipfix.notification/v2', '', 'FLIPFIX.NOTIFICATION/V1', hostileText(rng, 40)])),
      () => void (event.event = rng.pick(['machine.exploded', 'problem_report.created ', '', 'PROBLEM_REPORT.CREATED', hostileText(rng, 40)])),
      () => void (event.event_id = rng.pick<unknown>(['', 'x'.repeat(201), 7, null, {}, []])),
      () => void (event.occurred_at = rng.pick<unknown>(['yesterday', '2026-13-45T00:00:00Z', '2026-07-18 19:02', 1_784_401_331, '', null])),
      () => void (event.site_url = rng.pick<unknown>(['javascript:alert(1)', 'ftp://flipfix.example', 'not a url', '', '//evil.example', 5])),
      () => void (event.machine = rng.pick<unknown>([null, [], 'M0001', 42])),
      () => void (event.machine.name = rng.pick<unknown>(['', 'x'.repeat(201), 5, null, ['Gorgar']])),
      () => void (event.machine.operational_status = rng.pick<unknown>(['exploded', 'GOOD', '', null, 1])),
      () => void (event.machine.url = rng.pick<unknown>(['javascript:alert(1)', 'data:text/html,<script>', '/machines/x/', null])),
      () => void (event.machine.short_name = 'x'.repeat(31)),
      () => void (event[rng.pick(['event_id', 'occurred_at', 'site_url'])] = nonString()),
      () => void (event.machine[rng.pick(['asset_id', 'slug', 'operational_status_label'])] = nonString()),
      // (null is a valid location: "No Location")
      () => void (event.machine.location = rng.pick<unknown>([42, 'Museum', [], {}, { name: 5, slug: 'x', zone: 'front' }, { name: 'x' }])),
      () => {
        if (event.actor !== undefined) event.actor = { username: nonString(), display_name: 'x' }
        else event.actor = 'diana'
      },
    ]
    if (type.startsWith('problem_report.')) {
      mutations.push(
        () => void delete event.problem_report,
        () => void (event.problem_report.id = rng.pick<unknown>([-1, 1.5, '412', null])),
        () => void (event.problem_report.status = rng.pick(['maybe', 'OPEN', ''])),
        () => void (event.problem_report.description = 'x'.repeat(100_001)),
        () => {
          event.problem_report.id = '@@BIG@@'
          return withRaw(event, '@@BIG@@', rng.pick(['1e400', '-1e400']))
        },
      )
    }
    if (type === 'problem_report.closed' || type === 'problem_report.reopened' || type.startsWith('machine.')) {
      mutations.push(() => void (rng.chance(0.5) ? delete event.actor : (event.actor = null)))
    }
    if (type === 'log_entry.created') {
      mutations.push(
        () => void delete event.log_entry,
        () => void (event.log_entry.occurred_at = 'last tuesday'),
        () => void (event.log_entry.maintainers = rng.pick<unknown>(['ken', [{ username: 1 }], Array.from({ length: 101 }, () => ({ username: 'a', display_name: 'b' }))])),
      )
    }
    if (type === 'machine.status_changed' || type === 'machine.location_changed') {
      mutations.push(() => void (rng.chance(0.5) ? delete event.change : (event.change = { field: 'x', from: 5, to: [] })))
    }
    const raw = rng.pick(mutations)()
    return base(n, 'invalid event', raw ?? json(event), [400])
  }

  const total = generators.reduce((sum, [weight]) => sum + weight, 0)
  const cases: FuzzCase[] = []
  for (let n = 0; n < count; n++) {
    let roll = rng.next() * total
    const generator = generators.find(([weight]) => (roll -= weight) < 0) ?? generators[0]
    cases.push(generator[1](n))
  }
  return cases
}
