// The Slack channel (incoming webhooks): parse a pasted webhook URL, post a Block Kit
// message, and turn Slack's plain-text answer into an Outcome. The webhook URL is a secret:
// it never appears in an error message, a log line or a stored request.
import { postJson } from '../outbound/postJson'
import { httpOriginAnswers } from '../outbound/reachable'
import type { Channel, Outcome, Pacing, PreparedRequest, SendContext, SendResult } from '../types'
import { classifySlack } from './classify'
import { formatSlack, formatSlackAlert, formatSlackRelay, slackDigest } from './message'
import { parseSlackTarget, redactSlackTarget, type SlackTarget } from './target'
import { formatSlackMorning } from './morningMessage'

export type { SlackTarget }

/**
 * Slack allows about 1 message/s per webhook with short bursts (observed: a bucket of ~25
 * draining 1/s). We send at exactly that rate but burst only 10: at the same rate Slack's
 * bucket never drains further, so 15 messages of slack remain for clock and latency
 * differences, for a restart (our bucket starts full again) and for the "~" in ~25.
 * 100 events at once: 10 at once, then one per second, and no 429.
 */
const SLACK_PACING: Pacing = { burst: 10, perSecond: 1 }

function send(target: SlackTarget, prepared: PreparedRequest, ctx: SendContext): Promise<SendResult> {
  return postJson(target.url, prepared.body, ctx)
}

export const slackChannel: Channel<SlackTarget> & {
  classify(result: SendResult, now?: number): Outcome
} = {
  kind: 'slack',
  parseTarget: parseSlackTarget,
  redactTarget: redactSlackTarget,
  secretValues: (target) => [target.url.split('/').pop() ?? ''],
  format: formatSlack,
  formatRelay: formatSlackRelay,
  formatMorning: formatSlackMorning,
  formatAlert: formatSlackAlert,
  digest: slackDigest,
  send,
  probe: (target, ctx) => httpOriginAnswers(target.url, ctx),
  classify: classifySlack,
  pacing: SLACK_PACING,
}
