// The attempt stage: format → send → classify, with no database; Knocker's own errors stay its own.
import { describe, expect, it } from 'vitest'
import type { SendContext } from '../../../src/main/core/channels/types'
import { attempt } from '../../../src/main/core/delivery/attempt'
import { answered, FakeClock, fakeChannel, item, row, run } from './fakes'

const sendCtx = (clock: FakeClock): SendContext => ({ dispatcher: undefined as never, timeoutMs: 1000, allowPrivate: false, now: clock.now })

describe('attempt stage', () => {
  it('formats the one event, sends it and classifies the answer', async () => {
    const clock = new FakeClock()
    const sent: unknown[] = []
    const channel = fakeChannel(
      async () => {
        clock.advance(40)
        return answered(200, 'ok')
      },
      (result) => (result.ok && result.response.status === 200 ? { result: 'delivered', remoteId: '7' } : { result: 'retry', errorClass: 'server_error', message: 'x' }),
    )
    const original = channel.send
    channel.send = (target, request, ctx) => (sent.push(request.body), original(target, request, ctx))
    const out = await attempt(channel, run(), sendCtx(clock))
    expect(sent).toEqual([{ text: 'problem_report.created' }])
    expect(out).toMatchObject({ prepared: { summary: 'summary' }, outcome: { result: 'delivered', remoteId: '7' }, startedAt: clock.t - 40 })
  })

  it('sends a digest as it was formatted when claimed, without formatting again', async () => {
    const clock = new FakeClock()
    const channel = fakeChannel(async () => answered(204), () => ({ result: 'delivered' }))
    channel.format = () => {
      throw new Error('formatted twice')
    }
    const digest = { body: { digest: 2 }, summary: '2 events' }
    const out = await attempt(channel, run({ items: [item(row({ id: 1 })), item(row({ id: 2 }))], digest }), sendCtx(clock))
    expect(out.prepared).toBe(digest)
    expect(out.outcome.result).toBe('delivered')
  })

  it('a crash in Knocker’s own code fails the message as internal, never as a network failure', async () => {
    const clock = new FakeClock()
    const channel = fakeChannel(async () => answered(200), () => ({ result: 'delivered' }))
    channel.format = () => {
      throw new Error('cannot read properties of undefined')
    }
    const out = await attempt(channel, run(), sendCtx(clock))
    expect(out.result).toMatchObject({ ok: false, errorClass: 'internal' })
    expect(out.outcome).toEqual({
      result: 'permanent',
      errorClass: 'internal',
      message: 'Knocker could not build or send this message: cannot read properties of undefined',
      flagEndpoint: false,
    })
    const throwsInSend = fakeChannel(async () => {
      throw new TypeError('a bug in send')
    }, () => ({ result: 'delivered' }))
    expect((await attempt(throwsInSend, run(), sendCtx(clock))).result).toMatchObject({ ok: false, errorClass: 'internal' })
  })

  it('a deleted endpoint fails without sending', async () => {
    let sends = 0
    const channel = fakeChannel(async () => (sends++, answered(200)), () => ({ result: 'delivered' }))
    const out = await attempt(channel, run({ endpoint: null, target: null }), sendCtx(new FakeClock()))
    expect(sends).toBe(0)
    expect(out.outcome).toMatchObject({ result: 'permanent', errorClass: 'rejected', message: 'The endpoint was deleted before this was sent' })
  })

  it('a test send is checked first (SMTP login), and a failed check is its result', async () => {
    let sends = 0
    const channel = fakeChannel(async () => (sends++, answered(250)), (result) =>
      result.ok ? { result: 'delivered' } : { result: 'permanent', errorClass: 'rejected', message: result.message, flagEndpoint: true },
    )
    channel.verify = async () => ({ ok: false, errorClass: 'network', code: 'EAUTH', message: 'EAUTH: SMTP login failed', durationMs: 3 })
    const out = await attempt(channel, run({ trigger: 'test' }), sendCtx(new FakeClock()))
    expect(sends).toBe(0)
    expect(out.outcome).toMatchObject({ result: 'permanent', message: 'EAUTH: SMTP login failed' })
  })
})
