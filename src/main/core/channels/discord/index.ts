// The Discord channel: parse a pasted webhook URL, post an embed, and turn Discord's answer
// into an Outcome for the delivery engine. The webhook URL is a secret: it never appears in
// an error message, a log line or a stored response.
import { isIP } from 'node:net'
import { performance } from 'node:perf_hooks'
import { request as httpRequest } from 'undici'
import { cutChars } from '../../text/markdownLinks'
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
import { formatDiscord } from './format'

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
const DISCORD_HOSTS = new Set([
  'discord.com',
  'discordapp.com',
  'canary.discord.com',
  'ptb.discord.com',
  'canary.discordapp.com',
  'ptb.discordapp.com',
])
const WEBHOOK_PATH = /^\/api(?:\/v\d{1,2})?\/webhooks\/(\d{1,20})\/([A-Za-z0-9_-]{20,200})\/?$/
const PRIVATE_HOST_SUFFIXES = ['.localhost', '.local', '.lan', '.internal', '.home.arpa']

function isPrivateIPv4(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number)
  return a === 127 || a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31)
}

function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const family = isIP(host)
  if (family === 4) return isPrivateIPv4(host)
  if (family === 6) return host === '::1' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host)
  return host === 'localhost' || PRIVATE_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix))
}

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
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    // The URL constructor's own message repeats the input, token included.
    throw new TargetError(EXPECTED)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TargetError(EXPECTED)
  if (url.username || url.password) throw new TargetError(EXPECTED)

  const host = url.hostname.toLowerCase()
  const isDiscord = DISCORD_HOSTS.has(host) && (url.port === '' || url.port === '443')
  const isLocal = allowPrivate && isPrivateHost(host)
  if (!isDiscord && !isLocal) {
    throw new TargetError(
      isPrivateHost(host) ? `${EXPECTED} (local addresses are only accepted in test setups)` : EXPECTED,
    )
  }
  const match = WEBHOOK_PATH.exec(url.pathname)
  if (!match) throw new TargetError(EXPECTED)
  if (url.searchParams.has('thread_id')) {
    throw new TargetError('Discord webhook URLs with ?thread_id= are not supported: use a webhook of a text channel.')
  }
  const [, webhookId, token] = match
  const origin = isDiscord ? 'https://discord.com' : `${url.protocol}//${url.host}`
  return { url: `${origin}/api/v10/webhooks/${webhookId}/${token}`, webhookId }
}

function redactTarget(target: DiscordTarget): string {
  const url = new URL(target.url)
  const token = url.pathname.split('/').filter(Boolean).pop() ?? ''
  return `${url.host} …${token.slice(-4)}`
}

// ───────────────────────────────────────── send ─────────────────────────────────────────

const USER_AGENT = 'Knocker/0.1 (+notification relay)'
const STORED_BODY_CHARS = 4096
const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
  'TimeoutError',
])
const ERROR_TEXT: Record<string, string> = {
  UND_ERR_HEADERS_TIMEOUT: 'no response from Discord in time',
  UND_ERR_BODY_TIMEOUT: 'the response stalled',
  UND_ERR_CONNECT_TIMEOUT: 'could not connect in time',
  ETIMEDOUT: 'connection timed out',
  TimeoutError: 'the request took too long',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  UND_ERR_CLOSED: 'the HTTP client was closed',
  UND_ERR_DESTROYED: 'the HTTP client was closed',
}

/** Strip anything that looks like a webhook path (id/token) from a message. */
export function redactWebhookPaths(text: string): string {
  return text
    .replace(/https?:\/\/[^\s"'<>]*\/webhooks\/[^\s"'<>]*/gi, '<webhook url>')
    .replace(/\/webhooks\/\d+\/[A-Za-z0-9_-]+/gi, '/webhooks/<id>/<token>')
}

/** The error's code (or class name), never its message: messages can quote the URL. */
function errorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; cause?: { code?: unknown }; errors?: Array<{ code?: unknown }> }
  const candidates = [e?.code, e?.cause?.code, e?.errors?.[0]?.code, e?.name]
  const code = candidates.find((c): c is string => typeof c === 'string' && /^[A-Za-z0-9_]{1,60}$/.test(c))
  return code ?? 'Error'
}

/** Map a thrown request error to the engine's network/timeout classes, with a safe message. */
export function describeSendError(err: unknown): { errorClass: 'network' | 'timeout'; message: string } {
  const code = errorCode(err)
  const errorClass = TIMEOUT_CODES.has(code) || /Timeout/.test(code) ? 'timeout' : 'network'
  const text = ERROR_TEXT[code] ?? (errorClass === 'timeout' ? 'timed out' : 'request failed')
  return { errorClass, message: redactWebhookPaths(`${code}: ${text}`) }
}

async function readCapped(body: AsyncIterable<Buffer>, maxChars: number): Promise<string> {
  const decoder = new TextDecoder()
  let text = ''
  for await (const chunk of body) {
    text += decoder.decode(chunk, { stream: true })
    // Leaving the loop destroys the stream: a huge body is not worth reading.
    if (text.length >= maxChars) break
  }
  text += decoder.decode()
  return cutChars(text, maxChars)
}

function plainHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

async function send(target: DiscordTarget, prepared: PreparedRequest, ctx: SendContext): Promise<SendResult> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  try {
    // undici's request() never follows redirects: a 3xx comes back as is.
    const res = await httpRequest(`${target.url}?wait=true`, {
      method: 'POST',
      dispatcher: ctx.dispatcher,
      headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT },
      body: JSON.stringify(prepared.body),
      headersTimeout: ctx.timeoutMs,
      bodyTimeout: ctx.timeoutMs,
      // A body that trickles in just under bodyTimeout must not hold the attempt forever.
      signal: AbortSignal.timeout(ctx.timeoutMs * 2),
    })
    const body = await readCapped(res.body, STORED_BODY_CHARS)
    const response: ResponseSnapshot = { status: res.statusCode, headers: plainHeaders(res.headers), body }
    return { ok: true, response, durationMs: elapsed() }
  } catch (err) {
    return { ok: false, ...describeSendError(err), durationMs: elapsed() }
  }
}

// ─────────────────────────────────────── classify ───────────────────────────────────────

const HOUR_MS = 60 * 60 * 1000
const DEFAULT_RETRY_MS = 5_000
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

function secondsToMs(value: unknown): number | undefined {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(Math.min(seconds, 3600) * 1000) : undefined
}

function hasRateLimitHeaders(headers: Record<string, string>): boolean {
  return Object.keys(headers).some((name) => name.startsWith('x-ratelimit-'))
}

/** The bucket is empty (X-RateLimit-Remaining: 0): wait until it resets. */
function bucketHint(headers: Record<string, string>, now: number): RateLimitHint | undefined {
  if (headers['x-ratelimit-remaining'] !== '0') return undefined
  const waitMs =
    secondsToMs(headers['x-ratelimit-reset-after']) ??
    secondsToMs(Number(headers['x-ratelimit-reset']) - now / 1000) ??
    DEFAULT_RETRY_MS
  return { waitMs }
}

/** "embeds.0.title: Must be 256 or fewer in length." from Discord's nested `errors` tree. */
export function summarizeErrorTree(errors: unknown, max = 3): string {
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
    message:
      'Discord (Cloudflare) has temporarily banned this connection after too many invalid requests (error 1015); waiting 1 hour.',
    retryAfterMs: HOUR_MS,
    rateLimit: { waitMs: HOUR_MS, global: true },
  }
}

function rateLimited(response: ResponseSnapshot, error: DiscordError | undefined): Outcome {
  const h = response.headers
  // v10 sends float seconds; a v6-style millisecond value is clamped to 1 h, not guessed at.
  const waitMs =
    secondsToMs(error?.retry_after) ??
    secondsToMs(h['retry-after']) ??
    secondsToMs(h['x-ratelimit-reset-after']) ??
    DEFAULT_RETRY_MS
  const global = error?.global === true || h['x-ratelimit-global']?.toLowerCase() === 'true'
  const rateLimit: RateLimitHint = global ? { waitMs, global: true } : { waitMs }
  return {
    result: 'retry',
    errorClass: 'rate_limited',
    message: `Discord: rate limited${global ? ' (global)' : ''}; retrying in ${(waitMs / 1000).toFixed(1)} s.`,
    retryAfterMs: waitMs,
    rateLimit,
  }
}

function permanent(message: string, flagEndpoint: boolean, rateLimit?: RateLimitHint): Outcome {
  return { result: 'permanent', errorClass: 'rejected', message, flagEndpoint, ...(rateLimit && { rateLimit }) }
}

// Answers that mean the webhook itself is broken: a person must fix the endpoint.
const ENDPOINT_PROBLEMS: Partial<Record<number, string>> = {
  401: 'the webhook token is wrong or was reset; edit the endpoint with a new URL',
  403: "the webhook may not post in its channel; check the channel's permissions",
  404: 'the webhook was deleted; edit the endpoint with a new URL',
  410: 'the webhook is gone; edit the endpoint with a new URL',
}
// Forum-channel errors: the webhook is fine but its channel needs thread support we don't have.
const FORUM_CODES = new Set([220001, 220003])
const FORUM_PROBLEM = "the webhook posts into a forum channel, which Knocker does not support; use a text channel's webhook"

/**
 * Turn a send result into what the engine should do. Pure; `now` is only used for the
 * X-RateLimit-Reset fallback when Discord leaves out X-RateLimit-Reset-After.
 */
function classify(result: SendResult, now: number = Date.now()): Outcome {
  if (!result.ok) return { result: 'retry', errorClass: result.errorClass, message: result.message }
  const { response } = result
  const { status, headers, body } = response
  const error = parseJson(body)
  const hint = bucketHint(headers, now)
  const hintPart = hint ? { rateLimit: hint } : {}

  if (status >= 200 && status < 300) {
    const remoteId = typeof error?.id === 'string' ? error.id : undefined
    return { result: 'delivered', ...(remoteId && { remoteId }), ...hintPart }
  }
  if ((status === 429 || status === 403) && !hasRateLimitHeaders(headers) && CLOUDFLARE_BAN.test(body)) {
    return cloudflareBan()
  }
  if (status === 429) return rateLimited(response, error)
  if (status >= 500) {
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
  const endpointProblem = ENDPOINT_PROBLEMS[status]
  if (endpointProblem) return permanent(`Discord: ${says} — ${endpointProblem}.`, true, hint)
  if (status === 400 || status === 413) {
    if (error?.code !== undefined && FORUM_CODES.has(error.code)) {
      return permanent(`Discord: ${says} — ${FORUM_PROBLEM}.`, true, hint)
    }
    const details = summarizeErrorTree(error?.errors)
    return permanent(sentence(`Discord rejected the message: ${says}${details ? `: ${details}` : ''}`), false, hint)
  }
  if (status >= 300 && status < 400) {
    const message = `Discord answered ${status} (a redirect); redirects are not followed — check the webhook URL.`
    return permanent(message, true, hint)
  }
  return permanent(sentence(`Discord rejected the message: ${says}`), false, hint)
}

export const discordChannel: Channel<DiscordTarget> & {
  classify(result: SendResult, now?: number): Outcome
} = {
  kind: 'discord',
  parseTarget,
  redactTarget,
  format: formatDiscord,
  send,
  classify,
}
