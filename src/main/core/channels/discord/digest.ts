// Several waiting events as one Discord message: one embed per event, exactly the embed its
// own message would carry (minus the late line: the content line says it once for all), as
// many as fit Discord's 10 embeds and 6,000 characters across them.
import type { APIEmbed, RESTPostAPIWebhookWithTokenJSONBody } from 'discord-api-types/v10'
import { neutralizeDiscordMentions } from './mentions'
import { truncateChars } from '../../text/truncate'
import { assertItems, digestLateLine, digestSummary, notificationCount } from '../digestText'
import { describeEvent, TEST_NOTICE, viewSummary } from '../eventView'
import type { DigestFormat, DigestItem, PreparedRequest } from '../types'
import { discordSyntax, eventEmbed, escapeMarkdown, formatDiscord } from './format'
import { EMBED_LIMITS, embedTextLength, fitEmbed, MESSAGE_LIMITS } from './limits'

/** "5 notifications · ⏱ up to 2 h 11 min late — the museum was offline", above the embeds. */
function contentLine(count: number, items: DigestItem[]): string {
  const late = digestLateLine(items)
  const line = late ? `${notificationCount(count)} · ${escapeMarkdown(late)}` : notificationCount(count)
  const test = items.some((item) => item.ctx.test) ? `${TEST_NOTICE}\n` : ''
  return truncateChars(neutralizeDiscordMentions(test + line), MESSAGE_LIMITS.content)
}

function formatDiscordDigest(items: DigestItem[]): PreparedRequest & { included: number } {
  assertItems(items)
  const [first] = items
  // Forum channels open a thread per message, so they get no digests; if asked anyway, the
  // first event goes alone, as its own message would (thread name or thread id included).
  if (first.ctx.options.forum === true) return { ...formatDiscord(first.event, first.ctx), included: 1 }

  const embeds: APIEmbed[] = []
  let total = 0
  let firstSummary = ''
  for (const { event, ctx } of items.slice(0, MESSAGE_LIMITS.embeds)) {
    const view = describeEvent(event, discordSyntax)
    // fitEmbed alone keeps any embed within 6,000, so the first one always fits.
    const embed = fitEmbed(eventEmbed(event, view, ctx.test))
    const length = embedTextLength(embed)
    if (embeds.length > 0 && total + length > EMBED_LIMITS.total) break
    if (embeds.length === 0) firstSummary = viewSummary(view, ctx.test)
    embeds.push(embed)
    total += length
  }
  const body: RESTPostAPIWebhookWithTokenJSONBody = {
    content: contentLine(embeds.length, items.slice(0, embeds.length)),
    embeds,
    // Report text is written by the public: never let anything in it ping anyone.
    allowed_mentions: { parse: [] },
  }
  return { body, summary: digestSummary(embeds.length, firstSummary), included: embeds.length }
}

export const discordDigest: DigestFormat = { maxItems: MESSAGE_LIMITS.embeds, format: formatDiscordDigest }
