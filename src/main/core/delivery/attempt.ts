// Attempt: format → send → classify, for one claimed run. No database, no state: what was
// sent, what came back and what it means. An exception in Knocker's own code (a formatter
// crash) is Knocker's error: it fails this message and never counts as a network failure.
import type { Channel, Outcome, PreparedRequest, SendContext, SendResult } from '../channels/types'
import { redactText } from '../log/redact'
import type { AttemptOutput, ClaimedRun, MessageItem } from './handoffs'

/** The request for a run: its digest, Knocker's own alert or morning report, a relayed
 * message, an edit of a post, or the one event's message. */
function prepareRequest(channel: Channel<unknown>, run: ClaimedRun): PreparedRequest {
  if (run.digest) return run.digest
  if (run.items.length !== 1) throw new Error(`${run.items.length} deliveries claimed without a digest`)
  const [item] = run.items
  if (item.alert) return channel.formatAlert(item.alert, item.ctx)
  if (item.relay) return channel.formatRelay(item.relay, item.ctx)
  if (item.morning) return channel.formatMorning(item.morning, item.ctx)
  const messageId = item.edit?.messageId
  if (messageId && channel.formatEdit) return { ...channel.formatEdit(eventOf(item), item.ctx), edit: { messageId } }
  return channel.format(eventOf(item), item.ctx)
}

/** What an edit does when its post has no message to edit (never delivered, or delivered in a
 * digest): with the endpoint posting the update anyway, nothing; else it is posted as a new
 * message. Null when there is something to edit (or the run is no edit). */
export function editFallback(run: ClaimedRun): { skip: string } | { note: string } | null {
  const [item] = run.items
  if (run.digest || !item?.edit || item.edit.messageId) return null
  const why = "the report's post has no message of its own to edit (not delivered, or sent in a digest)"
  return item.ctx.options.report_updates === 'edit_and_post'
    ? { skip: `Not edited: ${why}; the update is posted as a new message` }
    : { note: `Posted as a new message: ${why}` }
}

export async function attempt(channel: Channel<unknown>, run: ClaimedRun, send: SendContext): Promise<AttemptOutput> {
  const startedAt = send.now()
  if (!run.endpoint || run.target === null) {
    const message = 'The endpoint was deleted before this was sent'
    return {
      prepared: null,
      result: { ok: false, errorClass: 'internal', message, durationMs: 0 },
      outcome: { result: 'permanent', errorClass: 'rejected', message, flagEndpoint: false },
      startedAt,
    }
  }
  const fallback = editFallback(run)
  if (fallback && 'skip' in fallback) {
    // Nothing is sent: the endpoint's own new message carries the update.
    return {
      prepared: null,
      result: { ok: false, errorClass: 'internal', message: fallback.skip, durationMs: 0 },
      outcome: { result: 'delivered', note: fallback.skip },
      startedAt,
    }
  }
  let prepared: PreparedRequest | null = null
  try {
    prepared = prepareRequest(channel, run)
    const failedCheck = run.trigger === 'test' && channel.verify ? await channel.verify(run.target, send) : null
    const result: SendResult = failedCheck ?? (await channel.send(run.target, prepared, send))
    const outcome = channel.classify(result, send.now())
    const noted = fallback && outcome.result === 'delivered' ? { ...outcome, note: [outcome.note, fallback.note].filter(Boolean).join('. ') } : outcome
    return { prepared, result, outcome: noted, startedAt }
  } catch (error) {
    const message = `Knocker could not build or send this message: ${redactText(String((error as Error)?.message ?? error))}`
    const outcome: Outcome = { result: 'permanent', errorClass: 'internal', message, flagEndpoint: false }
    return { prepared, result: { ok: false, errorClass: 'internal', message, durationMs: send.now() - startedAt }, outcome, startedAt }
  }
}

function eventOf(item: MessageItem) {
  if (!item.event) throw new Error('a delivery without its event')
  return item.event
}
