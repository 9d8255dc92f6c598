// The shape every destination module has: format(event) → request, send(request) → response,
// classify(response) → outcome. The delivery engine only ever talks to this interface.
import type { Dispatcher } from 'undici'
import type { KnockerEvent } from '../../../shared/events'
import type { ErrorClass } from '../../../shared/domain'

export interface FormatContext {
  /** A test send from the admin UI: the message must say so clearly. */
  test: boolean
}

/** What goes over the wire, minus the secret target (the URL is added at send time). */
export interface PreparedRequest {
  /** JSON body as sent; stored with the attempt (it holds no secrets). */
  body: unknown
  /** Short human summary for the history list ("Eight Ball Deluxe: new problem report"). */
  summary: string
}

export interface ResponseSnapshot {
  status: number
  headers: Record<string, string>
  /** Response body as text (the engine keeps the first 4 KiB). */
  body: string
}

export type SendResult =
  | { ok: true; response: ResponseSnapshot; durationMs: number }
  | { ok: false; errorClass: 'network' | 'timeout'; message: string; durationMs: number }

export interface RateLimitHint {
  /** Don't send to this endpoint before now + waitMs (X-RateLimit-Remaining: 0, 429 …). */
  waitMs: number
  /** The wait applies to every endpoint of this kind (Discord's global limit). */
  global?: boolean
}

export type Outcome =
  | { result: 'delivered'; remoteId?: string; rateLimit?: RateLimitHint }
  | { result: 'retry'; errorClass: ErrorClass; message: string; retryAfterMs?: number; rateLimit?: RateLimitHint }
  | {
      result: 'permanent'
      errorClass: ErrorClass
      message: string
      /** The endpoint's configuration is broken (bad token, deleted webhook): flag "needs attention". */
      flagEndpoint: boolean
      rateLimit?: RateLimitHint
    }

export interface SendContext {
  dispatcher: Dispatcher
  timeoutMs: number
}

export interface Channel<Target> {
  kind: string
  /** Validate and normalise what a user pasted (URL etc.); throws TargetError with a clear message. */
  parseTarget(input: unknown): Target
  /** Non-secret description of the target for the UI and logs ("discord.com …abcd"). */
  redactTarget(target: Target): string
  format(event: KnockerEvent, ctx: FormatContext): PreparedRequest
  send(target: Target, request: PreparedRequest, ctx: SendContext): Promise<SendResult>
  classify(result: SendResult): Outcome
}

export class TargetError extends Error {
  constructor(
    message: string,
    readonly path: string = 'url',
  ) {
    super(message)
  }
}
