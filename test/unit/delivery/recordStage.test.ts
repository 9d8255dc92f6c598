// The record stage: attempt rows without secrets, a digest's note, forum threads.
import { describe, expect, it } from 'vitest'
import type { Outcome } from '../../../src/main/core/channels/types'
import type { AttemptOutput, AttemptRecord, DeliveryUpdate } from '../../../src/main/core/delivery/handoffs'
import type { Outbox } from '../../../src/main/core/delivery/outbox'
import { cleanOutcome, Recorder, secretScrubber } from '../../../src/main/core/delivery/record'
import type { ThreadStore } from '../../../src/main/core/delivery/threads'
import { formatCtx } from '../formatContext'
import { item, row, run, T0 } from './fakes'

function recorder() {
  const finished: Array<{ attempt: AttemptRecord; update: DeliveryUpdate }> = []
  const threads: string[] = []
  /** How many finishes each commit held. */
  const commits: number[] = []
  const outbox = {
    finish: (attempt: AttemptRecord, update: DeliveryUpdate) => finished.push({ attempt, update }),
    recordAttempt: <T>(write: () => T): T => {
      const before = finished.length
      const result = write()
      commits.push(finished.length - before)
      return result
    },
  } as unknown as Outbox
  const store = {
    save: (endpointId: string, conversation: string, threadId: string) => threads.push(`save ${endpointId} ${conversation} ${threadId}`),
    forget: (endpointId: string, conversation: string) => threads.push(`forget ${endpointId} ${conversation}`),
  } as unknown as ThreadStore
  return { recorder: new Recorder({ outbox, threads: store }), finished, threads, commits }
}

const SECRET = 'secret-token-123'
const scrub = secretScrubber([SECRET])
const out = (outcome: Outcome, body = ''): AttemptOutput => ({
  prepared: { body: { content: 'hi' }, summary: 's' },
  result: { ok: true, response: { status: 400, headers: { echo: SECRET }, body }, durationMs: 12.4 },
  outcome,
  startedAt: T0,
})

describe('record stage', () => {
  it('scrubs the target’s secrets (and their base64) from everything stored', () => {
    expect(scrub(`token ${SECRET} basic ${Buffer.from(SECRET).toString('base64')}`)).toBe('token [redacted] basic [redacted]')
    expect(secretScrubber(['short'])('short')).toBe('short')
    const outcome = cleanOutcome({ result: 'permanent', errorClass: 'rejected', message: `bad ${SECRET}`, flagEndpoint: false }, scrub)
    expect(outcome).toMatchObject({ message: 'bad [redacted]' })
    const { recorder: stage, finished } = recorder()
    stage.record({ run: run(), attempt: out(outcome, `you sent ${SECRET}`), outcome, updates: [{ status: 'failed' }], scrub, now: T0 + 20 })
    expect(finished).toHaveLength(1)
    expect(finished[0].attempt).toMatchObject({
      outcome: 'failed',
      statusCode: 400,
      durationMs: 12,
      errorMessage: 'bad [redacted]',
      responseHeaders: '{"echo":"[redacted]"}',
      responseBody: 'you sent [redacted]',
      requestBody: '{"content":"hi"}',
    })
    expect(finished[0].update).toEqual({ status: 'failed', lastStatusCode: 400 })
  })

  it('a digest: one attempt per delivery, the body kept once, each saying it went as a digest', () => {
    const { recorder: stage, finished, commits } = recorder()
    const items = [item(row({ id: 4 })), item(row({ id: 5 })), item(row({ id: 6 }))]
    const delivered: Outcome = { result: 'delivered' }
    const results = stage.record({ run: run({ items }), attempt: out(delivered), outcome: delivered, updates: items.map(() => ({ status: 'delivered' as const })), scrub, now: T0 })
    expect(results.map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered'])
    expect(finished.map((f) => f.attempt.requestBody !== null)).toEqual([true, false, false])
    // The attempts of one request are recorded in one commit.
    expect(commits).toEqual([3])
    expect(finished[1].attempt.note).toBe('Sent as one message with 2 others (deliveries #4–#6), as a digest')
  })

  it('remembers the thread a forum post opened, and forgets one a moderator deleted', () => {
    const { recorder: stage, threads } = recorder()
    const forum = item(row(), { ctx: formatCtx({ options: { forum: true }, conversation: 'problem:412' }) })
    const opened: Outcome = { result: 'delivered', threadId: 't1' }
    stage.record({ run: run({ items: [forum] }), attempt: out(opened), outcome: opened, updates: [{ status: 'delivered' }], scrub, now: T0 })
    const inThread = item(row(), { ctx: formatCtx({ options: { forum: true }, conversation: 'problem:412', threadId: 't1' }) })
    const gone: Outcome = { result: 'retry', errorClass: 'rejected', message: 'gone', threadGone: true }
    stage.record({ run: run({ items: [inThread] }), attempt: out(gone), outcome: gone, updates: [{ status: 'retrying' }], scrub, now: T0 })
    expect(threads).toEqual(['save ep_1 problem:412 t1', 'forget ep_1 problem:412'])
  })
})
