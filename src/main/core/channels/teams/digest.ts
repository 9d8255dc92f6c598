// Several waiting events as one Teams message: one Adaptive Card with a "5 notifications"
// heading, the late line once, then a Container per event holding what its own card shows
// (title, facts, text, footer, its "Open …" buttons). As many events as fit the ~28 KB the
// single card is measured against; texts are shortened before an event waits for the next.
import { truncateChars } from '../../text/truncate'
import { fitDigest } from '../digestFit'
import { assertItems, digestLateLine, digestSummary, notificationCount } from '../digestText'
import { TEST_NOTICE } from '../eventView'
import type { DigestFormat, DigestItem, PreparedRequest } from '../types'
import { cardMessage, cardParts, eventElements, openUrlActions, teamsSyntax, type CardParts, type TeamsMessage } from './card'
import { fitCard, messageBytes, TEAMS_LIMITS } from './limits'

/** A typical event is ~1 KB of card; 15 keep a digest readable on a phone. */
export const TEAMS_DIGEST_MAX = 15
/** Each event's text keeps at least this much before an event is left for the next message. */
const TEXT_FLOOR = 300

function eventContainer(parts: CardParts): Record<string, unknown> {
  // The digest says TEST and late once, at the top; each event keeps its [TEST] title.
  const items = eventElements({ ...parts, test: false, late: undefined })
  if (parts.actions.length > 0) items.push({ type: 'ActionSet', actions: openUrlActions(parts.actions) })
  return { type: 'Container', separator: true, spacing: 'large', items }
}

function digestMessage(items: DigestItem[], events: CardParts[]): TeamsMessage {
  const late = digestLateLine(items)
  const test = items.some((item) => item.ctx.test)
  const body: Array<Record<string, unknown>> = [
    { type: 'TextBlock', text: notificationCount(events.length), weight: 'bolder', size: 'medium', wrap: true },
  ]
  if (late) body.push({ type: 'TextBlock', text: teamsSyntax.escape(late), isSubtle: true, size: 'small', wrap: true, spacing: 'none' })
  if (test) body.push({ type: 'TextBlock', text: TEST_NOTICE, weight: 'bolder', color: 'warning', wrap: true })
  body.push(...events.map(eventContainer))
  const summary = digestSummary(events.length, events[0].preview)
  return cardMessage(late ? `${summary} (${late})` : summary, body, [])
}

const withTextCap = (parts: CardParts, cap: number): CardParts =>
  parts.description && parts.description.length > cap ? { ...parts, description: truncateChars(parts.description, cap) } : parts

export function formatTeamsDigest(items: DigestItem[], budget: number = TEAMS_LIMITS.messageBytes): PreparedRequest & { included: number } {
  assertItems(items)
  const events = items.slice(0, TEAMS_DIGEST_MAX).map((item) => cardParts(item.event, item.ctx))
  const build = (count: number, cap: number) => digestMessage(items.slice(0, count), events.slice(0, count).map((e) => withTextCap(e, cap)))

  const longest = Math.max(0, ...events.map((e) => e.description?.length ?? 0))
  const fit = fitDigest(events.length, TEXT_FLOOR, longest, (count, cap) => messageBytes(build(count, cap)) <= budget)
  // Not even the first event fits with its text at the floor: cut it the way its own card
  // is cut (facts, then the title); CardTooLargeError if even that cannot fit.
  const message = fit
    ? build(fit.included, fit.cap)
    : digestMessage(items.slice(0, 1), [fitCard(events[0], (parts) => digestMessage(items.slice(0, 1), [parts]), budget)])
  const included = fit?.included ?? 1
  return { body: message, summary: digestSummary(included, events[0].preview), included }
}

export const teamsDigest: DigestFormat = { maxItems: TEAMS_DIGEST_MAX, format: (items) => formatTeamsDigest(items) }
