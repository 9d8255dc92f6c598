// The Discord channel: parse a pasted webhook URL, post an embed, and turn Discord's answer
// into an Outcome for the delivery engine. The webhook URL is a secret: it never appears in
// an error message, a log line or a stored response.
import { httpRung, noAnswer, permanent as refused, secondsToMs } from '../outbound/httpLadder'
import { postJson } from '../outbound/postJson'
import { httpOriginAnswers } from '../outbound/reachable'
import { hostAndTail, parseTargetUrl } from '../outbound/targetUrl'
import {
  TargetError,
  type Channel,
  type Outcome,
  type PreparedRequest,
  type RateLimitHint,
  type ResponseSnapshot,
  type SendContext,
  type SendResult,
} from '../types'
import { discordDigest, formatDiscord, formatDiscordAlert, formatDiscordEdit, formatDiscordRelay } from './message'
import { formatDiscordMorning } from './morningMessage'

export interface DiscordTarget {
  /** Normalised: https://discord.com/api/v10/webhooks/{id}/{token} (or a local mock's origin). */
  url: string
  webhookId: string
}

export interface DiscordTargetInput {
  url: string
  /** Accept loopback/LAN hosts with the same path shape (tests point at a local mock). */
  allowPrivate?: boolean
}

// ───────────────────────────── parseTarget / redactTarget ─────────────────────────────

const EXPECTED = 'Not a Discord webhook URL: expected https://discord.com/api/webhooks/<id>/<token>'
const DISCORD_HOSTS = [
  'discord.com',
  'discordapp.com',
  'canary.discord.com',
  'ptb.discord.com',
  'canary.discordapp.com',
  'ptb.discordapp.com',
]
const WEBHOOK_PATH = /^\/api(?:\/v\d{1,2})?\/webhooks\/(\d{1,20})\/([A-Za-z0-9_-]{20,200})\/?$/

function inputUrl(input: unknown): { raw: string; allowPrivate: boolean } {
  if (typeof input === 'string') return { raw: input, allowPrivate: false }
  if (input && typeof input === 'object' && typeof (input as DiscordTargetInput).url === 'string') {
    const { url, allowPrivate } = input as DiscordTargetInput
    return { raw: url, allowPrivate: allowPrivate === true }
  }
  throw new TargetError('Paste the Discord webhook URL (Channel settings → Integrations → Webhooks → Copy Webhook URL).')
}

function parseTarget(input: unknown): DiscordTarget {
  const { raw, allowPrivate } = inputUrl(input)
  const url = parseTargetUrl(raw, { expected: EXPECTED, allowPrivate, hosts: DISCORD_HOSTS })
  const isDiscord = DISCORD_HOSTS.includes(url.hostname.toLowerCase())
  if (isDiscord && url.port !== '' && url.port !== '443') throw new TargetError(EXPECTED)
  const match = WEBHOOK_PATH.exec(url.pathname)
  if (!match) throw new TargetError(EXPECTED)
  if (url.searchParams.has('thread_id')) {
    throw new TargetError(
      'Discord webhook URLs with ?thread_id= are not supported: use the channel\'s webhook (turn on "forum channel" for forums).',
    )
  }
  const [, webhookId, token] = match
  const origin = isDiscord ? 'https://discord.com' : `${url.protocol}//${url.host}`
  return { url: `${origin}/api/v10/webhooks/${webhookId}/${token}`, webhookId }
}

function redactTarget(target: DiscordTarget): string {
  return hostAndTail(target.url, target.url.split('/').filter(Boolean).pop() ?? '')
}

// ───────────────────────────────────────── send ─────────────────────────────────────────

function send(target: DiscordTarget, prepared: PreparedRequest, ctx: SendContext): Promise<SendResult> {
  if (prepared.edit) {
    // Edit Webhook Message: answers 200 with the message; thread_id for a message in a thread.
    const query = new URLSearchParams(prepared.query)
    const path = `${target.url}/messages/${encodeURIComponent(prepared.edit.messageId)}`
    return postJson(query.size > 0 ? `${path}?${query}` : path, prepared.body, ctx, {}, 'PATCH')
  }
  // ?wait=true: 200 with the message (its id, and the thread it opened) instead of a silent 204.
  const query = new URLSearchParams({ wait: 'true', ...prepared.query })
  return postJson(`${target.url}?${query}`, prepared.body, ctx)
}

// ─────────────────────────────────────── classify ───────────────────────────────────────

const CLOUDFLARE_BAN = /error code:\s*1015/i

interface DiscordError {
  message?: string
  code?: number
  errors?: unknown
  retry_after?: number
  global?: boolean
  id?: string
}

function parseJson(body: string): DiscordError | undefined {
  try {
    const value: unknown = JSON.parse(body)
    return value && typeof value === 'object' ? (value as DiscordError) : undefined
  } catch {
    return undefined
  }
}

function hasRateLimitHeaders(headers: Record<string, string>): boolean {
  return Object.keys(headers).some((name) => name.startsWith('x-ratelimit-'))
}

/** The bucket is empty (X-RateLimit-Remaining: 0): wait until it resets, if it says when. */
function bucketHint(headers: Record<string, string>, now: number): RateLimitHint | undefined {
  if (headers['x-ratelimit-remaining'] !== '0') return undefined
  const waitMs = secondsToMs(headers['x-ratelimit-reset-after']) ?? secondsToMs(Number(headers['x-ratelimit-reset']) - now / 1000)
  return waitMs !== undefined ? { waitMs } : {}
}

/** "embeds.0.title: Must be 256 or fewer in length." from Discord's nested `errors` tree. */
function summarizeErrorTree(errors: unknown, max = 3): string {
  const found: string[] = []
  const walk = (node: unknown, path: string[]) => {
    if (found.length >= max || !node || typeof node !== 'object') return
    for (const [key, child] of Object.entries(node)) {
      if (key === '_errors' && Array.isArray(child)) {
        for (const e of child) {
          const message = (e as { message?: unknown })?.message
          if (typeof message !== 'string' || found.length >= max) continue
          found.push(`${path.join('.') || 'body'}: ${message.replace(/\.+$/, '')}`)
        }
      } else {
        walk(child, [...path, key])
      }
    }
  }
  walk(errors, [])
  return found.join('; ')
}

function discordSays(error: DiscordError | undefined, status: number): string {
  const text = typeof error?.message === 'string' ? error.message.slice(0, 200).replace(/[.\s]+$/, '') : `HTTP ${status}`
  return typeof error?.code === 'number' ? `${text} (${error.code})` : text
}

/** End with exactly one full stop (Discord's own messages often carry one already). */
function sentence(text: string): string {
  return text.replace(/[.\s]+$/, '') + '.'
}

function cloudflareBan(): Outcome {
  return {
    result: 'retry',
    errorClass: 'rate_limited',
    message: 'Discord (Cloudflare) has temporarily banned this connection after too many invalid requests (error 1015).',
    rateLimit: { global: true, banned: true },
  }
}

function rateLimited(response: ResponseSnapshot, error: DiscordError | undefined): Outcome {
  const h = response.headers
  // v10 sends float seconds; a v6-style millisecond value is left to backoff's cap, not guessed at.
  const waitMs = secondsToMs(error?.retry_after) ?? secondsToMs(h['retry-after']) ?? secondsToMs(h['x-ratelimit-reset-after'])
  const global = error?.global === true || h['x-ratelimit-global']?.toLowerCase() === 'true'
  return {
    result: 'retry',
    errorClass: 'rate_limited',
    message: `Discord: rate limited${global ? ' (global)' : ''}.`,
    ...(waitMs !== undefined && { retryAfterMs: waitMs }),
    rateLimit: { ...(waitMs !== undefined && { waitMs }), ...(global && { global: true }) },
  }
}

function permanent(message: string, flagEndpoint: boolean, rateLimit?: RateLimitHint): Outcome {
  return { ...refused(message, flagEndpoint), ...(rateLimit && { rateLimit }) }
}

// Answers that mean the webhook itself is broken: a person must fix the endpoint.
const ENDPOINT_PROBLEMS: Partial<Record<number, string>> = {
  401: 'the webhook token is wrong or was reset; edit the endpoint with a new URL',
  403: "the webhook may not post in its channel; check the channel's permissions",
  404: 'the webhook was deleted; edit the endpoint with a new URL',
  410: 'the webhook is gone; edit the endpoint with a new URL',
}
// Forum-channel errors: the webhook is fine but its channel needs thread support we don't have.
const UNKNOWN_CHANNEL = 10003
// An edit of a message someone deleted: noted, never a fault of the endpoint.
const UNKNOWN_MESSAGE = 10008

// Forum-channel mismatches: the endpoint's "forum channel" option doesn't match the channel.
const FORUM_PROBLEMS: Partial<Record<number, string>> = {
  220001: 'the webhook posts into a forum channel: turn on the endpoint\'s "forum channel" option',
  220003: 'the channel is not a forum: turn off the endpoint\'s "forum channel" option',
}

/**
 * Turn a send result into what the engine should do. Pure; `now` is only used for the
 * X-RateLimit-Reset fallback when Discord leaves out X-RateLimit-Reset-After.
 */
function classify(result: SendResult, now: number = Date.now()): Outcome {
  if (!result.ok) return noAnswer(result)
  const { response } = result
  const { status, headers, body } = response
  const error = parseJson(body)
  const hint = bucketHint(headers, now)
  const hintPart = hint ? { rateLimit: hint } : {}
  const rung = httpRung(response, now)

  if (rung.rung === 'delivered') {
    const remoteId = typeof error?.id === 'string' ? error.id : undefined
    // The channel the message landed in: for a new forum post, the thread it opened.
    const threadId = typeof (error as { channel_id?: unknown })?.channel_id === 'string' ? (error as { channel_id: string }).channel_id : undefined
    return { result: 'delivered', ...(remoteId && { remoteId }), ...(threadId && { threadId }), ...hintPart }
  }
  if ((status === 429 || status === 403) && !hasRateLimitHeaders(headers) && CLOUDFLARE_BAN.test(body)) {
    return cloudflareBan()
  }
  if (rung.rung === 'rate_limited') return rateLimited(response, error)
  if (rung.rung === 'server_error') {
    const retryAfterMs = secondsToMs(headers['retry-after'])
    return {
      result: 'retry',
      errorClass: 'server_error',
      message: `Discord: server error ${status}; will retry.`,
      ...(retryAfterMs && { retryAfterMs }),
      ...hintPart,
    }
  }
  const says = discordSays(error, status)
  // Only a ?thread_id= post can name an unknown channel (a gone webhook is 10015): the
  // report's forum thread was deleted. Open a new one instead of halting the endpoint.
  if (error?.code === UNKNOWN_CHANNEL) {
    return { result: 'retry', errorClass: 'rejected', message: `Discord: ${says} — the thread is gone; opening a new one.`, threadGone: true, ...hintPart }
  }
  if (error?.code === UNKNOWN_MESSAGE) {
    return { result: 'delivered', note: `Not edited: the message was deleted in Discord (${says})`, ...hintPart }
  }
  const endpointProblem = ENDPOINT_PROBLEMS[status]
  if (endpointProblem) return permanent(`Discord: ${says} — ${endpointProblem}.`, true, hint)
  if (status === 400 || status === 413) {
    const forumProblem = error?.code !== undefined ? FORUM_PROBLEMS[error.code] : undefined
    if (forumProblem) {
      return permanent(`Discord: ${says} — ${forumProblem}.`, true, hint)
    }
    const details = summarizeErrorTree(error?.errors)
    return permanent(sentence(`Discord rejected the message: ${says}${details ? `: ${details}` : ''}`), false, hint)
  }
  if (rung.rung === 'redirect') {
    const message = `Discord answered ${status} (a redirect); redirects are not followed — check the webhook URL.`
    return permanent(message, true, hint)
  }
  return permanent(sentence(`Discord rejected the message: ${says}`), false, hint)
}

export const discordChannel: Channel<DiscordTarget> & {
  parseTarget(input: unknown): DiscordTarget
  classify(result: SendResult, now?: number): Outcome
} = {
  kind: 'discord',
  parseTarget,
  redactTarget,
  secretValues: (target) => [target.url.split('/').pop() ?? ''],
  format: formatDiscord,
  formatRelay: formatDiscordRelay,
  formatMorning: formatDiscordMorning,
  formatAlert: formatDiscordAlert,
  formatEdit: formatDiscordEdit,
  // Not for forum endpoints: there every message opens or joins a report's thread.
  digest: discordDigest,
  send,
  probe: (target, ctx) => httpOriginAnswers(target.url, ctx),
  classify,
}
