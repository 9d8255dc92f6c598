// A webhook receiver's answer → what the engine does next. Pure. Receivers are arbitrary
// servers, so only the status code and Retry-After are trusted; their bodies (which may echo
// our headers) never go into a message.
import { retryAfterMs } from '../outbound/postJson'
import type { Outcome, SendResult } from '../types'
import { PRIVATE_ADDRESS } from './privateAddressGuard'

/** A 429 without a usable Retry-After pauses the endpoint this long. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000

const THROTTLING = new Set([502, 503, 504])

// Answers that mean the endpoint's configuration is wrong: a person must fix it.
const ENDPOINT_PROBLEMS: Partial<Record<number, string>> = {
  401: 'the receiver refused our credentials (401); check the endpoint\'s authentication and that the receiver has the current signing secret',
  403: 'the receiver refused the request (403); check the endpoint\'s authentication and the receiver\'s permissions',
  404: 'the receiver URL was not found (404); check the endpoint URL',
}

function permanent(message: string, flagEndpoint: boolean): Outcome {
  return { result: 'permanent', errorClass: 'rejected', message, flagEndpoint }
}

function locationHost(location: string | undefined): string {
  if (!location) return ''
  try {
    return ` to ${new URL(location, 'http://receiver.invalid/').host}`
  } catch {
    return ''
  }
}

export function classifyWebhook(result: SendResult, now: number = Date.now()): Outcome {
  if (!result.ok) {
    if (result.message.startsWith(PRIVATE_ADDRESS)) {
      return {
        result: 'permanent',
        errorClass: 'network',
        message:
          'Not sent: the receiver\'s host is (or resolves to) a private, loopback or link-local address. Turn on "allow private targets" if this receiver is on your own network.',
        flagEndpoint: true,
      }
    }
    return { result: 'retry', errorClass: result.errorClass, message: `Webhook: ${result.message}` }
  }
  const { status, headers } = result.response
  const wait = retryAfterMs(headers['retry-after'], now)

  if (status >= 200 && status < 300) return { result: 'delivered' }
  if (status >= 300 && status < 400) {
    // Following a redirect would send a signed body (and our auth headers) somewhere else.
    return permanent(
      `Webhook: the receiver redirected (HTTP ${status}${locationHost(headers.location)}); redirects are not followed — update the endpoint URL.`,
      true,
    )
  }
  if (status === 410) {
    return {
      result: 'permanent',
      errorClass: 'rejected',
      message: 'Webhook: the receiver answered 410 Gone — it no longer accepts these webhooks, so the endpoint was switched off.',
      flagEndpoint: true,
      disableEndpoint: true,
    }
  }
  if (status === 429) {
    const waitMs = wait ?? DEFAULT_RATE_LIMIT_WAIT_MS
    return {
      result: 'retry',
      errorClass: 'rate_limited',
      message: `Webhook: the receiver is rate limiting (429); retrying in ${(waitMs / 1000).toFixed(1)} s.`,
      retryAfterMs: waitMs,
      rateLimit: { waitMs },
    }
  }
  if (status === 408) {
    return { result: 'retry', errorClass: 'timeout', message: 'Webhook: the receiver timed out reading the request (408); will retry.', ...(wait && { retryAfterMs: wait }) }
  }
  if (status >= 500) {
    const why = THROTTLING.has(status) ? 'is overloaded or unavailable' : 'had an error'
    return {
      result: 'retry',
      errorClass: 'server_error',
      message: `Webhook: the receiver ${why} (HTTP ${status}); will retry${wait ? ` in ${(wait / 1000).toFixed(1)} s as asked` : ''}.`,
      ...(wait && { retryAfterMs: wait }),
    }
  }
  const endpointProblem = ENDPOINT_PROBLEMS[status]
  if (endpointProblem) return permanent(`Webhook: ${endpointProblem}.`, true)
  if (status === 413) return permanent('Webhook: the receiver says the body is too large (413), although it is under 20 KB.', false)
  return permanent(`Webhook: the receiver rejected the event (HTTP ${status}).`, false)
}
