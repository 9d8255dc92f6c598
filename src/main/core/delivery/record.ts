// Record: each delivery of a run gets its attempt row and new state, with nothing secret in
// them (a destination may echo what we sent: auth headers, tokens), a forum post's thread is
// remembered (or forgotten when a moderator deleted it), and so is the message id of a report's
// post (for editing it when the report is closed or reopened).
import type { Outcome } from '../channels/types'
import { redactText } from '../log/redact'
import type { AttemptOutput, AttemptResult, ClaimedRun, DeliveryUpdate } from './handoffs'
import type { Outbox } from './outbox'
import type { ReportEdits } from './reportEdits'
import type { ThreadStore } from './threads'

/** How much of a response body is kept with an attempt. */
const RESPONSE_BODY_LIMIT = 4096

/** Replaces every occurrence of the given secrets (and their base64 forms, as in Basic auth). */
export function secretScrubber(secrets: string[]): (text: string) => string {
  const needles = secrets
    .filter((s) => s.length >= 6)
    .flatMap((s) => [s, Buffer.from(s).toString('base64')])
    .sort((a, b) => b.length - a.length)
  if (needles.length === 0) return (text) => text
  return (text) => needles.reduce((out, needle) => out.split(needle).join('[redacted]'), text)
}

/** The outcome's texts without the target's secrets or anything that looks like a credential. */
export function cleanOutcome(outcome: Outcome, scrub: (text: string) => string): Outcome {
  if (outcome.result !== 'delivered') return { ...outcome, message: redactText(scrub(outcome.message)) }
  return outcome.note ? { ...outcome, note: redactText(scrub(outcome.note)) } : outcome
}

export interface RecordInput {
  run: ClaimedRun
  attempt: AttemptOutput
  /** Cleaned (see cleanOutcome), with its wait in the message. */
  outcome: Outcome
  /** Each delivery's next state, in the run's order. */
  updates: DeliveryUpdate[]
  scrub: (text: string) => string
  now: number
}

export class Recorder {
  constructor(private readonly o: { outbox: Outbox; threads: ThreadStore; reportEdits?: Pick<ReportEdits, 'posted'> }) {}

  record(input: RecordInput): AttemptResult[] {
    return this.o.outbox.recordAttempt(() => this.write(input))
  }

  private write({ run, attempt, outcome, updates, scrub, now }: RecordInput): AttemptResult[] {
    const { result, prepared, startedAt } = attempt
    const response = result.ok ? result.response : null
    const statusCode = response?.status ?? null
    const durationMs = Math.round(result.durationMs)
    const n = run.items.length
    const first = run.items[0].delivery
    const digestNote =
      n > 1 ? `Sent as one message with ${n - 1} other${n > 2 ? 's' : ''} (deliveries #${first.id}–#${run.items[n - 1].delivery.id}), as a digest` : null
    const delivered = outcome.result === 'delivered'
    const note = [delivered && outcome.note ? outcome.note : null, digestNote].filter(Boolean).join('. ') || null
    const results = run.items.map(({ delivery }, i) => {
      const update = { ...updates[i], lastStatusCode: statusCode }
      this.o.outbox.finish(
        {
          deliveryId: delivery.id,
          attemptNo: delivery.attemptCount,
          trigger: run.trigger,
          startedAt,
          durationMs,
          outcome: delivered ? 'delivered' : update.status === 'failed' ? 'failed' : 'retry',
          statusCode,
          errorClass: outcome.result === 'delivered' ? null : outcome.errorClass,
          errorMessage: outcome.result === 'delivered' ? null : outcome.message,
          note,
          // A digest's body is kept once, with its first delivery.
          requestBody: prepared && i === 0 ? JSON.stringify(prepared.body) : null,
          responseHeaders: response ? scrub(JSON.stringify(response.headers)) : null,
          responseBody: response ? scrub(redactText(response.body.slice(0, RESPONSE_BODY_LIMIT))) : null,
        },
        update,
        now,
      )
      return { delivery, outcome, statusCode, durationMs, status: update.status! }
    })
    this.rememberThread(run, outcome, now)
    this.rememberPost(run, outcome)
    return results
  }

  /** A report's post that went out as a message of its own: keep its id for later edits. */
  private rememberPost(run: ClaimedRun, outcome: Outcome): void {
    const [first] = run.items
    if (run.items.length !== 1 || run.digest || outcome.result !== 'delivered' || !outcome.remoteId || first.isTest) return
    if (first.eventType === 'problem_report.created' && first.delivery.editOf === null) this.o.reportEdits?.posted(first.delivery.id, outcome.remoteId)
  }

  private rememberThread(run: ClaimedRun, outcome: Outcome, now: number): void {
    const [{ ctx, isTest }] = run.items
    const conversation = ctx.conversation
    if (!conversation) return
    if (outcome.result === 'delivered' && outcome.threadId && ctx.options.forum === true && !ctx.threadId && !isTest) {
      this.o.threads.save(run.endpointId, conversation, outcome.threadId, now)
    }
    if (outcome.result === 'retry' && outcome.threadGone && ctx.threadId) this.o.threads.forget(run.endpointId, conversation)
  }
}
