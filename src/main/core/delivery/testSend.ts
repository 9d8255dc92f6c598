// "Send test": a realistic sample event marked as a TEST, sent straight away (not behind the
// endpoint's queue), recorded in the history like any delivery, and never retried.
import { randomBytes } from 'node:crypto'
import type { EventType } from '../../../shared/events'
import { eventSummary } from '../../../shared/eventSummary'
import { SAMPLE_EVENTS } from '../../../shared/samples'
import type { TestResult } from '../../../shared/contracts'
import type { Clock } from '../clock'
import type { Db } from '../db/openDb'
import { events } from '../db/schema'
import type { DeliveryEngine } from './engine'
import type { Outbox } from './outbox'

export async function sendTest(
  deps: { db: Db; outbox: Outbox; engine: DeliveryEngine; clock: Clock },
  endpoint: { id: string; kind: string },
  eventType: EventType,
): Promise<TestResult> {
  const { db, outbox, engine, clock } = deps
  const wait = engine.pauseRemainingMs(endpoint.id, endpoint.kind)
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 10_000)))

  const now = clock.now()
  const sample = {
    ...SAMPLE_EVENTS[eventType],
    event_id: `test:${eventType}:${now}:${randomBytes(4).toString('hex')}`,
    occurred_at: new Date(now).toISOString(),
  }
  const delivery = db.transaction((tx) => {
    const event = tx
      .insert(events)
      .values({
        eventId: sample.event_id,
        eventType,
        occurredAt: sample.occurred_at,
        receivedAt: now,
        payload: JSON.stringify(sample),
        summary: `TEST · ${eventSummary(sample)}`,
        isTest: true,
      })
      .returning({ seq: events.seq })
      .get()
    return outbox.addTestSend(event.seq, endpoint.id, engine.instanceId, now)
  })
  const result = await engine.attempt(delivery, 'test')
  const outcome = result.outcome
  return {
    delivery_id: delivery.id,
    ok: outcome.result === 'delivered',
    status: result.status as TestResult['status'],
    status_code: result.statusCode,
    duration_ms: result.durationMs,
    error_class: outcome.result === 'delivered' ? null : outcome.errorClass,
    error: outcome.result === 'delivered' ? null : outcome.message,
  }
}
