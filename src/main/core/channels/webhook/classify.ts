// A webhook receiver's answer → what the engine does next. Pure. Receivers are arbitrary
// servers, so only the status code and Retry-After are trusted; their bodies (which may echo
// our headers) never go into a message.
import { httpRung, noAnswer, permanent } from '../outbound/httpLadder'
import type { Outcome, SendResult } from '../types'
import { PRIVATE_ADDRESS } from './privateAddressGuard'

const THROTTLING = new Set([502, 503, 504])

// Answers that mean the endpoint's configuration is wrong: a person must fix it.
const ENDPOINT_PROBLEMS: Partial<Record<number, string>> = {
  401: 'the receiver refused our credentials (401); check the endpoint\'s authentication and that the receiver has the current signing secret',
  403: 'the receiver refused the request (403); check the endpoint\'s authentication and the receiver\'s permissions',
  404: 'the receiver URL was not found (404); check the endpoint URL',
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
    if (result.errorClass !== 'internal' && result.code === PRIVATE_ADDRESS) {
      return {
        result: 'permanent',
        errorClass: 'network',
        message:
          'Not sent: the receiver\'s host is (or resolves to) a private, loopback or link-local address. Turn on "allow private targets" if this receiver is on your own network.',
        flagEndpoint: true,
      }
    }
    return noAnswer(result, 'Webhook')
  }
  const { status, headers } = result.response
  // The vendor table: 410 Gone means the receiver wants no more of these.
  if (status === 410) {
    return {
      result: 'permanent',
      errorClass: 'rejected',
      message: 'Webhook: the receiver answered 410 Gone — it no longer accepts these webhooks, so the endpoint was switched off.',
      flagEndpoint: true,
      disableEndpoint: true,
    }
  }
  const rung = httpRung(result.response, now)
  switch (rung.rung) {
    case 'delivered':
      return { result: 'delivered' }
    case 'redirect':
      // Following a redirect would send a signed body (and our auth headers) somewhere else.
      return permanent(
        `Webhook: the receiver redirected (HTTP ${status}${locationHost(headers.location)}); redirects are not followed — update the endpoint URL.`,
        true,
      )
    case 'rate_limited': {
      const waitMs = rung.retryAfterMs
      return { result: 'retry', errorClass: 'rate_limited', message: 'Webhook: the receiver is rate limiting (429).', ...(waitMs && { retryAfterMs: waitMs, rateLimit: { waitMs } }) }
    }
    case 'timeout':
      return { result: 'retry', errorClass: 'timeout', message: 'Webhook: the receiver timed out reading the request (408); will retry.', ...(rung.retryAfterMs && { retryAfterMs: rung.retryAfterMs }) }
    case 'server_error': {
      const why = THROTTLING.has(status) ? 'is overloaded or unavailable' : 'had an error'
      const wait = rung.retryAfterMs
      return {
        result: 'retry',
        errorClass: 'server_error',
        message: `Webhook: the receiver ${why} (HTTP ${status}); will retry${wait ? ` in ${(wait / 1000).toFixed(1)} s as asked` : ''}.`,
        ...(wait && { retryAfterMs: wait }),
      }
    }
    case 'endpoint':
      return permanent(`Webhook: ${ENDPOINT_PROBLEMS[status]}.`, true)
    case 'refused':
      if (status === 413) return permanent('Webhook: the receiver says the body is too large (413), although it is under 20 KB.', false)
      return permanent(`Webhook: the receiver rejected the event (HTTP ${status}).`, false)
  }
}
