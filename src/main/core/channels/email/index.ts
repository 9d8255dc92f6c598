// The email channel: SMTP through a pooled nodemailer transport. Not HTTP, but it speaks the
// same SendResult as the others: an SMTP reply is a "response" whose status is the reply
// code. The SMTP password is a secret: it never appears in a message, a stored body or the
// API's view of the endpoint.
import { tcpPortOpens } from '../outbound/reachable'
import { performance } from 'node:perf_hooks'
import type { ConnectionOptions } from 'node:tls'
import type { Channel, Outcome, Pacing, PreparedRequest, SendContext, SendResult } from '../types'
import { classifyEmail } from './classify'
import { emailDigest, formatEmail, formatEmailAlert, formatEmailRelay, type EmailMessage } from './message'
import { refused, resultFromError, resultFromInfo, scrubSecret } from './smtpResult'
import { emailPublicSettings, isLocalHost, parseEmailTarget, redactEmailTarget, type EmailTarget } from './target'
import { RATE_LIMIT, TransportPool } from './transportPool'
import { formatEmailMorning } from './morningMessage'

export type { EmailMessage } from './message'
export type { EmailTarget } from './target'

/**
 * SMTP accounts are limited per mailbox, not per request: Microsoft 365 takes 30 messages a
 * minute, many hosting providers fewer, and every mail lands in up to 50 inboxes. A burst of
 * 5 lets a flurry (a machine added → several events) out at once; after that one mail every
 * 4 s. That is at most 5 + 0.25 × 20 = 10 in any 20 s (so one endpoint never waits in the
 * pool's own 10-per-20-s limiter, which guards accounts shared by several endpoints) and at
 * most 20 a minute.
 */
const EMAIL_PACING: Pacing = { burst: 5, perSecond: 0.25 }

export interface EmailChannelOptions {
  /** Extra TLS options for tests (accept a mock's self-signed certificate). Not reachable from the API. */
  tls?: ConnectionOptions
}

/** A send may wait in the pool's rate limiter for up to one window, plus connect and reply;
 * with the default 15 s that is 35 s, inside the engine's lease (timeout + 30 s). */
function sendDeadlineMs(timeoutMs: number): number {
  return RATE_LIMIT.windowMs + timeoutMs
}

/** Re-checked at send time: the "allow private targets" setting may have been turned off. */
function policyRefusal(target: EmailTarget, allowPrivate: boolean): SendResult | null {
  if (allowPrivate) return null
  if (isLocalHost(target.smtp.host)) return refused('PRIVATE_ADDRESS')
  if (target.smtp.security === 'none') return refused('PLAINTEXT_REFUSED')
  return null
}

export function createEmailChannel(options: EmailChannelOptions = {}): Channel<EmailTarget> & {
  classify(result: SendResult, now?: number): Outcome
  pool: TransportPool
} {
  const pool = new TransportPool({ tls: options.tls })
  const scrubFor = (target: EmailTarget) => (text: string) => scrubSecret(text, target.smtp.user, target.smtp.password)

  async function send(target: EmailTarget, request: PreparedRequest, ctx: SendContext): Promise<SendResult> {
    const refusal = policyRefusal(target, ctx.allowPrivate)
    if (refusal) return refusal
    const message = request.body as EmailMessage
    const { 'Message-ID': messageId, 'In-Reply-To': inReplyTo, References: references, ...headers } = message.headers
    const started = performance.now()
    const elapsed = () => Math.round(performance.now() - started)
    try {
      const info = await pool.use(target, ctx.timeoutMs, (mailer) =>
        mailer.sendMail({
          from: target.from,
          to: target.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          messageId,
          ...(inReplyTo && { inReplyTo }),
          ...(references && { references }),
          headers,
          signal: AbortSignal.timeout(sendDeadlineMs(ctx.timeoutMs)),
        }),
      )
      return resultFromInfo(info, elapsed(), scrubFor(target))
    } catch (error) {
      return resultFromError(error, elapsed(), scrubFor(target))
    }
  }

  /** "Test" first checks that Knocker can connect and log in; a failure is the test's result. */
  async function verify(target: EmailTarget, ctx: SendContext): Promise<SendResult | null> {
    const refusal = policyRefusal(target, ctx.allowPrivate)
    if (refusal) return refusal
    const started = performance.now()
    try {
      await pool.use(target, ctx.timeoutMs, (mailer) => mailer.verify())
      return null
    } catch (error) {
      return resultFromError(error, Math.round(performance.now() - started), scrubFor(target))
    }
  }

  return {
    kind: 'email',
    parseTarget: parseEmailTarget,
    redactTarget: redactEmailTarget,
    publicSettings: emailPublicSettings,
    secretValues: (target) => (target.smtp.password ? [target.smtp.password] : []),
    format: formatEmail,
    formatRelay: formatEmailRelay,
    formatMorning: formatEmailMorning,
    formatAlert: formatEmailAlert,
    digest: emailDigest,
    send,
    probe: (target, ctx) => tcpPortOpens(target.smtp.host, target.smtp.port, ctx),
    classify: (result: SendResult) => classifyEmail(result),
    verify,
    pacing: EMAIL_PACING,
    dispose: () => pool.closeAll(),
    pool,
  }
}

export const emailChannel = createEmailChannel()
