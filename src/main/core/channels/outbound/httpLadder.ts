// The ladder every HTTP destination's answer goes down, in one place: 2xx, 429, 5xx, 408,
// 3xx (never followed), 401/403/404, any other 4xx; and a failure before any answer. Each
// channel's classify adds only its vendor table (Discord's JSON codes, Slack's error strings,
// Teams' workflow errors, a webhook's 410) and its words. Waits are reported as the server
// gave them: how long to wait without one, and the longest wait, are delivery/backoff.ts's.
import type { Outcome, ResponseSnapshot, SendResult } from '../types'

export type Rung =
  | { rung: 'delivered' }
  | { rung: 'rate_limited'; retryAfterMs?: number }
  | { rung: 'server_error'; retryAfterMs?: number }
  | { rung: 'timeout'; retryAfterMs?: number }
  | { rung: 'redirect'; location?: string }
  | { rung: 'endpoint' }
  | { rung: 'refused' }

/** Answers that say the endpoint itself (its URL, its credentials) is wrong. */
const ENDPOINT_STATUSES = new Set([401, 403, 404])

export function httpRung(response: ResponseSnapshot, now: number): Rung {
  const { status, headers } = response
  const wait = retryAfterMs(headers['retry-after'], now)
  const said = wait !== undefined ? { retryAfterMs: wait } : {}
  if (status >= 200 && status < 300) return { rung: 'delivered' }
  if (status === 429) return { rung: 'rate_limited', ...said }
  if (status >= 500) return { rung: 'server_error', ...said }
  if (status === 408) return { rung: 'timeout', ...said }
  if (status >= 300 && status < 400) return { rung: 'redirect', ...(headers.location && { location: headers.location }) }
  if (ENDPOINT_STATUSES.has(status)) return { rung: 'endpoint' }
  return { rung: 'refused' }
}

/** No answer came back (network, timeout): try again, on the network schedule. */
export function noAnswer(result: Extract<SendResult, { ok: false }>, label?: string): Outcome {
  return { result: 'retry', errorClass: result.errorClass, message: label ? `${label}: ${result.message}` : result.message }
}

/** Retry-After as milliseconds: delta seconds (float allowed) or an HTTP date. Uncapped. */
export function retryAfterMs(value: unknown, now: number): number | undefined {
  if (value === undefined || value === null || value === '') return undefined
  const seconds = typeof value === 'number' ? value : Number(value)
  if (Number.isFinite(seconds)) return seconds > 0 ? Math.ceil(seconds * 1000) : undefined
  const date = Date.parse(String(value))
  if (!Number.isFinite(date)) return undefined
  const ms = date - now
  return ms > 0 ? ms : undefined
}

/** "1.5" or 1.5 seconds (Discord's retry_after, X-RateLimit-Reset-After) as milliseconds. */
export function secondsToMs(value: unknown): number | undefined {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds * 1000) : undefined
}

export function permanent(message: string, flagEndpoint: boolean): Outcome {
  return { result: 'permanent', errorClass: 'rejected', message, flagEndpoint }
}
