// Whether a new delivery waits beyond its turn, and until when: quiet hours first, then the
// per-person digest (which may also move the held deliveries it joins). Runs inside intake's
// transaction, so a hold and the moves it causes commit with the event.
import type { KnockerEvent } from '../../../shared/events'
import type { EndpointRecord } from '../db/endpointsRepo'
import { personDigestsOn, planPersonHold } from '../routing/personDigest'
import { quietHold, type Hold } from '../routing/quietHours'
import type { Outbox } from './outbox'

export class DeliveryHolds {
  constructor(private readonly outbox: Outbox) {}

  holdFor(endpoint: Pick<EndpointRecord, 'id' | 'options'>, event: KnockerEvent, now: number): Hold | null {
    const quiet = quietHold(endpoint.options, event, now)
    if (quiet || !personDigestsOn(endpoint.options)) return quiet
    const plan = planPersonHold(event, this.outbox.personHeld(endpoint.id, now), now)
    this.outbox.moveHeld(plan.moved, now)
    return plan.hold
  }
}
