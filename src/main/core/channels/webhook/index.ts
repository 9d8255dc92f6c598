// The generic webhook channel: POSTs the event envelope as JSON to any https URL, signed
// the Standard Webhooks way (webhook-id / webhook-timestamp / webhook-signature), with
// optional custom headers and authentication. The URL, headers, auth and secrets are all
// secret: they stay in the sealed target and are added at send time only.
import { postJson } from '../outbound/postJson'
import { httpOriginAnswers } from '../outbound/reachable'
import type { Channel, Outcome, PreparedRequest, SendContext, SendResult } from '../types'
import { classifyWebhook } from './classify'
import { extraRequestHeaders } from './extraHeaders'
import { formatWebhook, formatWebhookAlert, formatWebhookRelay } from './message'
import { closeGuardedAgent, guardedAgent } from './privateAddressGuard'
import { liveSecrets } from './secrets'
import { signingHeaders } from './signing'
import {
  parseWebhookTarget,
  redactWebhookTarget,
  rotateSecret,
  signingSecret,
  webhookPublicSettings,
  type WebhookTarget,
} from './target'
import { formatWebhookMorning } from './morningMessage'

export type { WebhookTarget } from './target'

function send(target: WebhookTarget, prepared: PreparedRequest, ctx: SendContext): Promise<SendResult> {
  const msgId = prepared.headers?.['webhook-id']
  if (!msgId) throw new Error('the webhook-id header is missing')
  // The exact bytes that are signed are the bytes sent (and the body the engine stores).
  const rawBody = JSON.stringify(prepared.body)
  const secrets = liveSecrets(target.secrets, ctx.now()).map((s) => s.secret)
  const headers = {
    ...extraRequestHeaders(target.headers, target.auth),
    ...signingHeaders(secrets, msgId, ctx.now(), rawBody),
  }
  return postJson(target.url, rawBody, guarded(ctx), headers)
}

/** Without allow_private_targets, a hostname that resolves to a private address is refused. */
function guarded(ctx: SendContext): SendContext {
  return ctx.allowPrivate ? ctx : { ...ctx, dispatcher: guardedAgent() }
}

export const webhookChannel: Channel<WebhookTarget> & {
  classify(result: SendResult, now?: number): Outcome
  signingSecret(target: WebhookTarget): string
  rotateSecret(target: WebhookTarget, now: number, graceMs: number): WebhookTarget
} = {
  kind: 'webhook',
  parseTarget: (input) => parseWebhookTarget(input),
  redactTarget: redactWebhookTarget,
  publicSettings: (target) => webhookPublicSettings(target),
  secretValues: (target) => [
    ...Object.values(target.headers),
    ...(target.auth.type === 'bearer' ? [target.auth.token] : []),
    ...(target.auth.type === 'basic' ? [target.auth.password, `${target.auth.username}:${target.auth.password}`] : []),
    ...(target.auth.type === 'header' ? [target.auth.value] : []),
    ...target.secrets.map((s) => s.secret),
  ],
  format: formatWebhook,
  formatRelay: formatWebhookRelay,
  formatMorning: formatWebhookMorning,
  formatAlert: formatWebhookAlert,
  send,
  probe: (target, ctx) => httpOriginAnswers(target.url, guarded(ctx)),
  classify: classifyWebhook,
  signingSecret,
  rotateSecret,
  dispose: closeGuardedAgent,
}
