// The shape every destination module has: format(event) → request, send(request) → result,
// classify(result) → outcome. The delivery engine only ever talks to this interface.
import type { Dispatcher } from 'undici'
import type { AttentionAlert } from '../../../shared/attentionAlert'
import type { KnockerEvent } from '../../../shared/events'
import type { MorningReport } from '../../../shared/morningReport'
import type { RelayedMessage } from '../../../shared/relay'
import type { ErrorClass } from '../../../shared/domain'

export interface FormatContext {
  /** A test send from the admin UI: the message must say so clearly. */
  test: boolean
  /** The endpoint's non-secret options (e.g. Discord `forum`). */
  options: Record<string, unknown>
  /** The target's non-secret settings, from publicSettings (email: from, to …). */
  settings: Record<string, unknown>
  /** Identifies this delivery; the same on every retry (idempotency keys, Message-IDs).
   * createdAt: when Knocker accepted it (ms). */
  delivery: { id: number; eventId: string; endpointId: string; createdAt: number }
  /** The conversation this event belongs to ("problem:412"), if any: see shared/conversation.ts. */
  conversation: string | null
  /** The destination's thread of that conversation, when an earlier delivery opened one. */
  threadId: string | null
  /** Set when the message goes out more than 5 minutes after Knocker received the event: the
   * message says so ("2 h 11 min late — the museum was offline"). */
  late?: LateNotice | null
  /** Quiet hours in silent mode: post without a notification where the service can
   * (Discord's SUPPRESS_NOTIFICATIONS). */
  silent?: boolean
}

export interface LateNotice {
  /** now − when Knocker accepted the event. */
  ms: number
  /** Why, in a few words: "the museum was offline", "Discord was not accepting messages". */
  reason: string
}

/** One event of a digest, with the context it would have had as a message of its own. */
export interface DigestItem {
  event: KnockerEvent
  ctx: FormatContext
}

/** Several waiting events as one message (after an outage, or a burst), where the service
 * allows it: Discord up to 10 embeds within 6,000 characters, Slack one message of sections,
 * one email. */
export interface DigestFormat {
  /** Most events one message may carry. */
  maxItems: number
  /** One message carrying the first `included` items (at least 1, in order) — as many as fit
   * the service's limits. The rest wait for the next message. */
  format(items: DigestItem[]): PreparedRequest & { included: number }
}

/** What goes over the wire, minus the secret target (added at send time). */
export interface PreparedRequest {
  /** Body as sent; stored with the attempt, so it must hold no secrets. */
  body: unknown
  /** Short human summary for the history list ("Eight Ball Deluxe: new problem report"). */
  summary: string
  /** Extra query parameters (Discord `thread_id`). */
  query?: Record<string, string>
  /** Non-secret headers fixed for this delivery (Standard Webhooks `webhook-id`). */
  headers?: Record<string, string>
  /** Edit this earlier message instead of posting a new one (Discord). */
  edit?: { messageId: string }
}

export interface ResponseSnapshot {
  status: number
  headers: Record<string, string>
  /** Response body as text (the engine keeps the first 4 KiB). */
  body: string
}

/** An SMTP server's answer, as nodemailer reports it (email only). */
export interface SmtpReply {
  /** The server's reply, one line. */
  reply: string
  /** Nodemailer's error code and the command it failed on ("EAUTH", "AUTH PLAIN"). */
  error?: { code: string; command?: string }
  messageId?: string
  accepted: string[]
  rejected: Array<{ address: string; reply: string }>
}

/** What a send saw: an answer (HTTP, or an SMTP reply with its code as status), a failure before
 * any answer, or an exception in Knocker's own code (never taken for a network failure). */
export type SendResult =
  | { ok: true; response: ResponseSnapshot; durationMs: number; smtp?: SmtpReply }
  | {
      ok: false
      errorClass: 'network' | 'timeout'
      /** The error's code ("ECONNREFUSED", "PRIVATE_ADDRESS"), never its message. */
      code?: string
      message: string
      durationMs: number
    }
  | { ok: false; errorClass: 'internal'; message: string; durationMs: number }

/** The server asked for a pause before the next send. How long is the backoff stage's call
 * when the server didn't say (see delivery/backoff.ts). */
export interface RateLimitHint {
  /** How long the server asked for (Retry-After, X-RateLimit-Reset-After), as it said it. */
  waitMs?: number
  /** The pause applies to every endpoint of this kind (Discord's global limit). */
  global?: boolean
  /** A ban without a stated end (Cloudflare's 1015): the longest pause. */
  banned?: boolean
}

/** What the server said, classified. Channels report waits only as the server gave them. */
export type Outcome =
  | {
      result: 'delivered'
      remoteId?: string
      /** A thread this message opened (Discord forum), to post the conversation's follow-ups into. */
      threadId?: string
      /** Something worth keeping although it was delivered (e.g. rejected email recipients). */
      note?: string
      rateLimit?: RateLimitHint
    }
  | {
      result: 'retry'
      errorClass: ErrorClass
      message: string
      /** Retry-After as the server said it (uncapped). */
      retryAfterMs?: number
      rateLimit?: RateLimitHint
      /** The conversation's thread is gone (deleted by a moderator): forget it and send again
       * at once, opening a new thread. Not a failure of the endpoint. */
      threadGone?: boolean
    }
  | {
      result: 'permanent'
      errorClass: ErrorClass
      message: string
      /** The endpoint's configuration is broken (bad token, deleted webhook): flag "needs attention". */
      flagEndpoint: boolean
      /** The destination is gone for good (HTTP 410): switch the endpoint off. */
      disableEndpoint?: boolean
      rateLimit?: RateLimitHint
    }

export interface SendContext {
  dispatcher: Dispatcher
  timeoutMs: number
  /** allow_private_targets: http:// and loopback/LAN addresses may be contacted. */
  allowPrivate: boolean
  now: () => number
}

/** Steady pace a destination tolerates: a bucket of `burst` sends refilled at `perSecond`. */
export interface Pacing {
  burst: number
  perSecond: number
}

export interface Channel<Target> {
  kind: string
  /** Validate and normalise the endpoint's target fields (URL, SMTP settings …). Must accept
   * its own output again (updates merge new fields into the stored target). Throws
   * TargetError with a clear message that never quotes a secret. */
  parseTarget(input: Record<string, unknown> & { allowPrivate: boolean }): Target
  /** Non-secret one-line description of the target for the UI and logs ("discord.com …abcd"). */
  redactTarget(target: Target): string
  /** Non-secret target fields the UI may show and edit (SMTP host, recipients …). */
  publicSettings?(target: Target): Record<string, unknown>
  /** The target's secret values (token, password, signing secrets): scrubbed from anything
   * stored about an attempt, in case a destination echoes them back. */
  secretValues?(target: Target): string[]
  format(event: KnockerEvent, ctx: FormatContext): PreparedRequest
  /** Knocker's own alert: another endpoint, which names this one as its fallback, needs
   * attention. Never part of a digest; the endpoint's name and the reason are escaped like
   * text written by the public. */
  formatAlert(alert: AttentionAlert, ctx: FormatContext): PreparedRequest
  /** A problem report's post as it should now read after this update (closed, reopened), for
   * editing it in place. Only destinations whose webhooks can edit their messages have it. */
  formatEdit?(update: KnockerEvent, ctx: FormatContext): PreparedRequest
  /** A message relayed from a Discord-compatible source: Discord sends it as sent (mentions
   * kept off), the others translate it faithfully within their limits. Never part of a digest. */
  formatRelay(message: RelayedMessage, ctx: FormatContext): PreparedRequest
  /** Knocker's morning report (health by zone, open reports, stalled repairs, yesterday's
   * work), within the destination's limits: long lists end in "…and 12 more". Never part of a digest. */
  formatMorning(report: MorningReport, ctx: FormatContext): PreparedRequest
  send(target: Target, request: PreparedRequest, ctx: SendContext): Promise<SendResult>
  classify(result: SendResult, now?: number): Outcome
  /** While Knocker is offline: whether the destination's host answers at all (any HTTP status,
   * an open SMTP port), sending nothing of any message and nothing secret. Without it, the
   * offline probe is a real delivery attempt. */
  probe?(target: Target, ctx: SendContext): Promise<boolean>
  /** Checked before a test send (SMTP: connect and log in). A failed check is the test's result. */
  verify?(target: Target, ctx: SendContext): Promise<SendResult | null>
  pacing?: Pacing
  /** How this destination combines waiting events into one message; absent = one each. */
  digest?: DigestFormat
  /** The newest signing secret (webhooks), shown once when created or rotated. */
  signingSecret?(target: Target): string
  /** A new signing secret; the old ones stay valid for `graceMs` (both signatures are sent). */
  rotateSecret?(target: Target, now: number, graceMs: number): Target
  /** Release pooled connections (SMTP) at shutdown. */
  dispose?(): Promise<void>
}

export class TargetError extends Error {
  constructor(
    message: string,
    readonly path: string = 'url',
  ) {
    super(message)
  }
}
