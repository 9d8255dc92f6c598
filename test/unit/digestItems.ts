// Waiting events for digest tests: every event type in turn, each with its own machine name
// ("Machine 7") so a test can find every event in the messages, and its own delivery.
import type { DigestFormat, DigestItem, LateNotice, PreparedRequest } from '../../src/main/core/channels/types'
import { EVENT_TYPES, type KnockerEvent } from '../../src/shared/events'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { formatCtx } from './formatContext'

export interface DigestItemOptions {
  /** Every text far beyond any limit (more than one message may hold). */
  large?: boolean
  /** Text written by the public that tries to ping, link or inject markup. */
  hostile?: boolean
  late?: LateNotice
  /** First delivery id (default 100). */
  firstId?: number
}

export const HOSTILE = '@everyone @here <!channel> <!here> <@U123> <@&123456789012345678> <script>alert(1)</script> **bold** [x](https://evil.example)'

export function machineName(i: number): string {
  return `Machine ${i + 1}`
}

function makeLarge(event: KnockerEvent): void {
  const huge = 'x'.repeat(100_000)
  event.machine.location = { name: 'L'.repeat(2000), slug: 'l', zone: 'front' }
  event.machine.asset_id = 'A'.repeat(50)
  if (event.actor) event.actor = { ...event.actor, display_name: 'D'.repeat(300) }
  if ('problem_report' in event && event.problem_report) {
    event.problem_report.description = huge
    event.problem_report.problem_type_label = 'T'.repeat(2000)
    event.problem_report.priority = 'major'
    event.problem_report.priority_label = 'P'.repeat(2000)
    event.problem_report.reporter = { display: 'R'.repeat(300), username: null }
  }
  if (event.log_entry) {
    event.log_entry.text = 'word '.repeat(20_000)
    event.log_entry.auto_generated = false
    event.log_entry.maintainers = Array.from({ length: 100 }, (_, i) => ({ username: `m${i}`, display_name: `Maintainer ${i} ${'z'.repeat(250)}` }))
  }
}

function makeHostile(event: KnockerEvent): void {
  event.machine.location = { name: HOSTILE, slug: 'l', zone: 'front' }
  if (event.actor) event.actor = { ...event.actor, display_name: HOSTILE }
  if ('problem_report' in event && event.problem_report) {
    event.problem_report.description = HOSTILE
    event.problem_report.reporter = { display: HOSTILE, username: null }
  }
  if (event.log_entry) {
    event.log_entry.text = HOSTILE
    event.log_entry.auto_generated = false
  }
}

export function digestItems(count: number, options: DigestItemOptions = {}): DigestItem[] {
  const firstId = options.firstId ?? 100
  return Array.from({ length: count }, (_, i) => {
    const event = structuredClone(SAMPLE_EVENTS[EVENT_TYPES[i % EVENT_TYPES.length]])
    event.machine.name = machineName(i)
    event.machine.short_name = null
    event.event_id = `${event.event_id}:${i}`
    if (options.large) makeLarge(event)
    if (options.hostile) makeHostile(event)
    const ctx = formatCtx({
      delivery: { id: firstId + i, eventId: event.event_id, endpointId: 'ep_digest', createdAt: Date.parse('2026-07-18T19:02:12Z') + i * 1000 },
      ...(options.late && { late: { ...options.late, ms: options.late.ms - i * 1000 } }),
    })
    return { event, ctx }
  })
}

export type DigestMessage = PreparedRequest & { included: number }

/** Format digests the way the engine sends them: each message takes the first `included`
 * items, the next message starts after them, until none is left. */
export function drain(digest: DigestFormat, items: DigestItem[]): DigestMessage[] {
  const messages: DigestMessage[] = []
  let rest = items
  while (rest.length > 0) {
    const message = digest.format(rest.slice(0, digest.maxItems))
    if (message.included < 1 || message.included > Math.min(rest.length, digest.maxItems)) {
      throw new Error(`included ${message.included} of ${rest.length}`)
    }
    messages.push(message)
    rest = rest.slice(message.included)
  }
  return messages
}
