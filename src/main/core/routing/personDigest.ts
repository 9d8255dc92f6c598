// Per-person digests (Flipfix's own style, an endpoint option): a maintainer's events wait
// until that person has been quiet for 5 minutes, or 15 minutes have passed since the first
// of them, then go together; visitor reports (no actor) go at once. Pure: the caller reads the
// held deliveries and writes the decision.
//
// Order per machine (and so per problem report, which belongs to a machine) is kept: held
// deliveries that share a person or a machine, directly or through others, are one cluster
// and are always released together, at one time, so the queue's id order holds among them.
// A visitor's report releases the held deliveries about its machine at once, so it never
// lands before them.
import type { KnockerEvent } from '../../../shared/events'
import { clockTime, type Hold } from './quietHours'

export const PERSON_QUIET_MS = 5 * 60_000
export const PERSON_MAX_WAIT_MS = 15 * 60_000
/** The start of every reason this rule writes (the claim stage groups such a digest by machine). */
export const PERSON_HOLD_PREFIX = 'held: waiting for '

/** A delivery held by this rule and not yet due. */
export interface PersonHeld {
  id: number
  createdAt: number
  actor: string | null
  machine: string | null
}

export interface PersonPlan {
  /** The new delivery's hold (null: it goes at once). */
  hold: Hold | null
  /** Held deliveries whose time changes: the cluster's new time, or now (released). */
  moved: Array<{ id: number; until: number; reason: string | null }>
}

export const personDigestsOn = (options: Record<string, unknown>) => options.person_digests === true

/** "Ken" for the history's reason. */
function personName(event: KnockerEvent): string {
  return event.actor?.display_name || event.actor?.username || 'someone'
}

export function planPersonHold(event: KnockerEvent, held: PersonHeld[], now: number): PersonPlan {
  const machine = event.machine.asset_id
  if (!event.actor) {
    // A visitor's report goes now, and whatever waits about its machine goes just before it.
    return { hold: null, moved: held.filter((h) => h.machine === machine).map((h) => ({ id: h.id, until: now, reason: null })) }
  }
  const actor = event.actor.username
  // The cluster: held deliveries linked to this event by a person or a machine, transitively.
  const actors = new Set([actor])
  const machines = new Set([machine])
  const cluster = new Set<PersonHeld>()
  for (let grew = true; grew; ) {
    grew = false
    for (const h of held) {
      if (cluster.has(h) || !((h.actor !== null && actors.has(h.actor)) || (h.machine !== null && machines.has(h.machine)))) continue
      cluster.add(h)
      if (h.actor) actors.add(h.actor)
      if (h.machine) machines.add(h.machine)
      grew = true
    }
  }
  const first = Math.min(now, ...[...cluster].map((h) => h.createdAt))
  const until = Math.min(now + PERSON_QUIET_MS, first + PERSON_MAX_WAIT_MS)
  const reason = `${PERSON_HOLD_PREFIX}${personName(event)} to finish (until ${clockTime(until, now)})`
  return { hold: { until, reason }, moved: [...cluster].sort((a, b) => a.id - b.id).map((h) => ({ id: h.id, until, reason })) }
}
