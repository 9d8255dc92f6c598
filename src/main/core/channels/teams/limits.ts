// Teams' size limit and the one function that makes a card fit it. Workflows answers 202
// before the flow runs, so a card that is too large fails silently inside the flow: every
// message is measured (serialised, in UTF-8 bytes) before sending and shortened until it
// fits. A message that cannot be made to fit is never sent.
import { largestFitting } from '../../text/largestFitting'
import { truncateChars } from '../../text/truncate'

export const TEAMS_LIMITS = {
  /** The whole POST body, in UTF-8 bytes. Teams takes messages up to ~28 KB; 28,000 stays
   * under that whether a KB is read as 1000 or 1024 bytes. */
  messageBytes: 28_000,
  /** Highest Adaptive Card version the Workflows "Post card" action renders [obs]. */
  cardVersion: '1.4',
} as const

// The description is cut first, but only down to this before the facts share the cut.
const DESCRIPTION_SOFT_FLOOR = 500
// A fact keeps a little text to stay meaningful ("Diana", "Anonymous" survive whole).
const FACT_FLOOR = 16

/** The texts of a card that may be shortened. */
export interface FittableParts {
  title: string
  description?: string
  facts: Array<{ title: string; value: string }>
}

export class CardTooLargeError extends Error {}

/** Size of a body as sent: JSON, UTF-8. */
export function messageBytes(body: unknown): number {
  return Buffer.byteLength(JSON.stringify(body), 'utf8')
}

function withDescription<P extends FittableParts>(parts: P, cap: number): P {
  return { ...parts, description: truncateChars(parts.description ?? '', cap) }
}

function withFactCap<P extends FittableParts>(parts: P, cap: number): P {
  return { ...parts, facts: parts.facts.map((f) => ({ ...f, value: truncateChars(f.value, cap) })) }
}

/**
 * Return parts whose built message is at most `budget` bytes. Cut order: the description
 * (down to a soft floor), then the longest fact values (all to one common cap), then the rest
 * of the description, then the title, and for absurd budgets facts from the end.
 * Throws CardTooLargeError when even that is not enough.
 */
export function fitCard<P extends FittableParts>(parts: P, build: (parts: P) => unknown, budget: number = TEAMS_LIMITS.messageBytes): P {
  const fits = (p: P) => messageBytes(build(p)) <= budget
  if (fits(parts)) return parts
  let current = parts

  // 1. The description alone, down to the soft floor.
  if (current.description) {
    const floor = Math.min(current.description.length, DESCRIPTION_SOFT_FLOOR)
    const base = current
    const cap = largestFitting(floor, base.description!.length, (c) => fits(withDescription(base, c)))
    if (cap !== undefined) return withDescription(base, cap)
    current = withDescription(base, floor)
  }
  // 2. Fact values, longest first: every value is cut to one common cap.
  const longest = Math.max(FACT_FLOOR, ...current.facts.map((f) => f.value.length))
  {
    const base = current
    const cap = largestFitting(FACT_FLOOR, longest, (c) => fits(withFactCap(base, c)))
    if (cap !== undefined) return withFactCap(base, cap)
    current = withFactCap(base, FACT_FLOOR)
  }
  // 3. The rest of the description, then none.
  if (current.description) {
    const base = current
    const cap = largestFitting(1, base.description!.length, (c) => fits(withDescription(base, c)))
    if (cap !== undefined) return withDescription(base, cap)
    current = { ...base }
    delete current.description
    if (fits(current)) return current
  }
  // 4. The title, which keeps at least one character.
  {
    const base = current
    const shortTitle = (c: number): P => ({ ...base, title: truncateChars(base.title, c) })
    const cap = largestFitting(1, Math.max(1, base.title.length), (c) => fits(shortTitle(c)))
    if (cap !== undefined) return shortTitle(cap)
    current = shortTitle(1)
  }
  // 5. Tiny budgets only: facts from the end.
  while (current.facts.length > 0 && !fits(current)) current = { ...current, facts: current.facts.slice(0, -1) }
  if (fits(current)) return current
  throw new CardTooLargeError(`the Teams card is larger than ${budget} bytes even after shortening; it was not sent`)
}
