// An attention alert as one Slack message: a header with the headline, the reason, what is
// waiting and where to fix it, and the `text` fallback for notifications. The endpoint's name
// and the reason are made inert like report text (entities, broken @-mentions, fenced styles).
import type { KnownBlock } from '@slack/types'
import type { AttentionAlert } from '../../../../shared/attentionAlert'
import { ALERT_ACTION, alertHeadline, alertReason, alertSummary, alertText, waitingLine } from '../alertText'
import type { FormatContext, PreparedRequest } from '../types'
import type { SlackMessageBody } from './format'
import { BLOCK_LIMITS, cutMrkdwn } from './limits'
import { escapeEntities, escapeName, neutralizeSlack, plainTextWithin, slackDate } from './syntax'

const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text, verbatim: true })

export function formatSlackAlert(alert: AttentionAlert, _ctx: FormatContext): PreparedRequest {
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      block_id: 'header',
      text: { type: 'plain_text', text: plainTextWithin(`⚠️ ${alertHeadline(alert)}`, BLOCK_LIMITS.headerText), emoji: true },
    },
    { type: 'section', block_id: 'reason', text: mrkdwn(cutMrkdwn(`${escapeName(alertReason(alert))}.`, BLOCK_LIMITS.sectionText)) },
    { type: 'section', block_id: 'waiting', text: mrkdwn(`${waitingLine(alert.waiting)}\n*${escapeEntities(ALERT_ACTION)}*`) },
    { type: 'context', block_id: 'context', elements: [mrkdwn(`Knocker · ${slackDate(alert.at, '{date_short_pretty} at {time}')}`)] },
  ]
  const body: SlackMessageBody = {
    text: neutralizeSlack(alertText(alert)),
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  }
  return { body, summary: alertSummary(alert) }
}
