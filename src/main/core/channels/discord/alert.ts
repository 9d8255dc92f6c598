// An attention alert as one orange Discord embed: the headline as its title, then the reason,
// what is waiting and where to fix it. The endpoint's name and the reason are made inert like
// report text; nothing in them may ping anyone.
import type { APIEmbed, RESTPostAPIWebhookWithTokenJSONBody } from 'discord-api-types/v10'
import type { AttentionAlert } from '../../../../shared/attentionAlert'
import { neutralizeDiscordMentions } from './mentions'
import { truncateChars } from '../../text/truncate'
import { ALERT_ACTION, ALERT_COLOR, alertEndpointName, alertHeadline, alertReason, alertSummary, waitingLine } from '../alertText'
import type { FormatContext, PreparedRequest } from '../types'
import { escapeMarkdown, FORUM_THREAD_NAME_MAX } from './format'
import { fitEmbed } from './limits'

const inert = (text: string) => neutralizeDiscordMentions(escapeMarkdown(text))

export function formatDiscordAlert(alert: AttentionAlert, ctx: FormatContext): PreparedRequest {
  const embed: APIEmbed = {
    title: `⚠️ ${alertHeadline(alert, inert)}`,
    description: [`${inert(alertReason(alert))}.`, waitingLine(alert.waiting), `**${ALERT_ACTION}**`].join('\n\n'),
    color: ALERT_COLOR,
    timestamp: alert.at,
    footer: { text: 'Knocker' },
  }
  const body: RESTPostAPIWebhookWithTokenJSONBody = {
    embeds: [fitEmbed(embed)],
    allowed_mentions: { parse: [] },
  }
  // A forum channel takes no message without a thread of its own: the alert opens one.
  if (ctx.options.forum === true) {
    body.thread_name = truncateChars(neutralizeDiscordMentions(`Knocker: ${alertEndpointName(alert)} needs attention`), FORUM_THREAD_NAME_MAX)
  }
  return { body, summary: alertSummary(alert) }
}
