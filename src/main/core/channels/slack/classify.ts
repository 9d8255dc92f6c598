// Slack's answer → what the engine should do. Incoming webhooks answer in plain text: "ok"
// on success, otherwise an error code ("no_service", "invalid_blocks" …). Pure.
import { httpRung, noAnswer, permanent } from '../outbound/httpLadder'
import type { Outcome, SendResult } from '../types'

// The webhook itself is broken or gone: a person must fix the endpoint (its queue is held).
const ENDPOINT_PROBLEMS: Record<string, string> = {
  no_service: 'the webhook was removed or its Slack app uninstalled; edit the endpoint with a new webhook URL',
  channel_not_found: "the webhook's channel was deleted; create a new webhook and edit the endpoint",
  channel_is_archived: "the webhook's channel is archived; unarchive it or use another channel's webhook",
  action_prohibited: 'a Slack admin restricted this webhook from posting; ask them, or use another webhook',
  invalid_token: 'the webhook URL is no longer valid; edit the endpoint with a new webhook URL',
  team_disabled: 'the Slack workspace was disabled',
  posting_to_general_channel_denied: 'only admins may post in this channel; use another channel',
}

// Our message was refused: this one delivery fails, the endpoint is fine.
const PAYLOAD_PROBLEMS: Record<string, string> = {
  invalid_payload: 'the message was not valid JSON',
  no_text: 'the message had no text',
  invalid_blocks: 'a block broke a Block Kit rule',
  invalid_blocks_format: 'the blocks were malformed',
  msg_blocks_too_long: 'the blocks were too long in total',
  too_many_attachments: 'the message had too many attachments',
}

/** The error code at the start of Slack's plain-text body, if it looks like one. */
function slackErrorCode(body: string): string | undefined {
  return /^\s*([a-z][a-z0-9_]{1,60})\s*$/.exec(body)?.[1]
}

function said(code: string | undefined, status: number): string {
  return code ? `${code} (HTTP ${status})` : `HTTP ${status}`
}

export function classifySlack(result: SendResult, now: number = Date.now()): Outcome {
  if (!result.ok) return noAnswer(result)
  const { status, body } = result.response
  const code = slackErrorCode(body)
  const rung = httpRung(result.response, now)

  if (rung.rung === 'delivered') {
    if (status === 200 && body.trim() === 'ok') return { result: 'delivered' }
    // Not Slack's answer (a proxy or captive portal page, say): nothing says it was posted.
    return {
      result: 'retry',
      errorClass: 'server_error',
      message: `Slack answered ${status} without "ok"; will retry (a proxy or captive portal in the way?).`,
    }
  }
  if (rung.rung === 'rate_limited' || code === 'rate_limited') {
    const retryAfterMs = 'retryAfterMs' in rung ? rung.retryAfterMs : undefined
    return { result: 'retry', errorClass: 'rate_limited', message: 'Slack: rate limited.', ...(retryAfterMs && { retryAfterMs, rateLimit: { waitMs: retryAfterMs } }) }
  }
  if (rung.rung === 'server_error') {
    return { result: 'retry', errorClass: 'server_error', message: `Slack: server error ${said(code, status)}; will retry.`, ...(rung.retryAfterMs && { retryAfterMs: rung.retryAfterMs }) }
  }
  if (code && ENDPOINT_PROBLEMS[code]) return permanent(`Slack: ${said(code, status)} — ${ENDPOINT_PROBLEMS[code]}.`, true)
  if (code && PAYLOAD_PROBLEMS[code]) return permanent(`Slack rejected the message: ${said(code, status)} — ${PAYLOAD_PROBLEMS[code]}.`, false)
  if (rung.rung === 'redirect') {
    return permanent(`Slack answered ${status} (a redirect); redirects are not followed — check the webhook URL.`, true)
  }
  // An unknown code: 401/403/404/410 still say the webhook is unusable; other 4xx are about this message.
  if (rung.rung === 'endpoint' || status === 410) {
    return permanent(`Slack: ${said(code, status)} — the webhook cannot be used; check the endpoint's webhook URL.`, true)
  }
  return permanent(`Slack rejected the message: ${said(code, status)}.`, false)
}
