// Whether a new delivery waits beyond its turn, and until when: quiet hours first, then the
// per-person digest (which may also move the held deliveries it joins). Runs inside intake's
// transaction, so a hold and the moves it causes commit with the event.
import type { Statement } from 'better-sqlite3'
import type { KnockerEvent } from '../../../shared/events'
import type { Db } from '../db/openDb'
import type { EndpointRecord } from '../db/endpointsRepo'
import { HELD_SQL } from '../db/schema'
import { PERSON_HOLD_PREFIX, personDigestsOn, planPersonHold, type PersonHeld } from '../routing/personDigest'
import { quietHold, type Hold } from '../routing/quietHours'
import type { Outbox } from './outbox'

export class DeliveryHolds {
  private readonly personHeldStatement: Statement<[number, string, string], PersonHeld>

  constructor(db: Db, private readonly outbox: Outbox) {
    // An endpoint's deliveries held by the per-person rule and not yet due, with their event's
    // person and machine (few: read through the held-deliveries index).
    this.personHeldStatement = db.$client.prepare(
      `select d.id as id, d.created_at as createdAt, json_extract(e.payload, '$.actor.username') as actor,
              json_extract(e.payload, '$.machine.asset_id') as machine
       from deliveries d join events e on e.seq = d.event_seq
       where ${HELD_SQL} and d.next_attempt_at > ? and d.endpoint_id = ? and d.hold_reason like ?`,
    )
  }

  holdFor(endpoint: Pick<EndpointRecord, 'id' | 'options'>, event: KnockerEvent, now: number): Hold | null {
    const quiet = quietHold(endpoint.options, event, now)
    if (quiet || !personDigestsOn(endpoint.options)) return quiet
    const held = this.personHeldStatement.all(now, endpoint.id, `${PERSON_HOLD_PREFIX}%`)
    const plan = planPersonHold(event, held, now)
    this.outbox.moveHeld(plan.moved, now)
    return plan.hold
  }
}
