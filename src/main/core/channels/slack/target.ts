// A pasted Slack incoming-webhook URL, checked and normalised. The URL's last part is a
// secret: errors never quote it and redactTarget shows only its last 4 characters.
import { hostAndTail, parseTargetUrl } from '../outbound/targetUrl'
import { TargetError } from '../types'

export interface SlackTarget {
  /** https://hooks.slack.com/services/T…/B…/<secret> (or a local mock's origin, same path). */
  url: string
  /** Workspace (T…) and webhook (B…) ids: not secret, they name the webhook in the UI. */
  teamId: string
  webhookId: string
}

const SLACK_HOSTS = ['hooks.slack.com', 'hooks.slack-gov.com']
const EXPECTED = 'Not a Slack incoming webhook URL: expected https://hooks.slack.com/services/T…/B…/…'
const WEBHOOK_PATH = /^\/services\/(T[A-Z0-9]{2,20})\/(B[A-Z0-9]{2,20})\/([A-Za-z0-9]{8,64})\/?$/
// Workflow Builder webhooks look alike but take the workflow's own variables, not messages.
const WORKFLOW_PATH = /^\/(triggers|workflows)\//

export function parseSlackTarget(input: Record<string, unknown>): SlackTarget {
  const allowPrivate = input.allowPrivate === true
  if (typeof input.url !== 'string' || input.url.trim() === '') {
    throw new TargetError('Paste the Slack webhook URL (Slack app settings → Incoming Webhooks → Copy).')
  }
  const url = parseTargetUrl(input.url, { expected: EXPECTED, allowPrivate, hosts: SLACK_HOSTS })
  const isSlack = SLACK_HOSTS.includes(url.hostname.toLowerCase())
  if (isSlack && url.port !== '' && url.port !== '443') throw new TargetError(EXPECTED)
  if (WORKFLOW_PATH.test(url.pathname)) {
    throw new TargetError(
      'This is a Slack Workflow Builder webhook, which does not take messages: use an incoming webhook (…/services/T…/B…/…).',
    )
  }
  const match = WEBHOOK_PATH.exec(url.pathname)
  if (!match) throw new TargetError(EXPECTED)
  const [, teamId, webhookId, secret] = match
  // Query and fragment mean nothing to Slack; they are dropped.
  const origin = isSlack ? `https://${url.hostname.toLowerCase()}` : `${url.protocol}//${url.host}`
  return { url: `${origin}/services/${teamId}/${webhookId}/${secret}`, teamId, webhookId }
}

/** "hooks.slack.com …abcd" */
export function redactSlackTarget(target: SlackTarget): string {
  return hostAndTail(target.url, target.url.split('/').filter(Boolean).pop() ?? '')
}
