import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { blocksProblem, startSlackMock, type SlackMock, type SlackMockWebhook } from './slackMock'

const T0 = Date.UTC(2026, 6, 18, 19, 0, 0)
let clock = T0
let mock: SlackMock
let hook: SlackMockWebhook

async function post(url: string, body: unknown, raw?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: raw ?? JSON.stringify(body),
  })
  return { status: res.status, text: await res.text(), headers: res.headers }
}
const send = (body: unknown = { text: 'Flipper stuck' }) => post(hook.url, body)

const header = (text: string) => ({ type: 'header', text: { type: 'plain_text', text } })
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } })

beforeEach(async () => {
  clock = T0
  mock = await startSlackMock({ now: () => clock })
  hook = mock.addWebhook()
})

afterEach(async () => {
  await mock.close()
})

describe('slackMock: success', () => {
  it('answers 200 "ok" as text/plain and records the message', async () => {
    const body = { text: 'Eight Ball Deluxe: new problem report #412', blocks: [header('Eight Ball Deluxe'), section('hi')] }
    const res = await send(body)
    expect(res.status).toBe(200)
    expect(res.text).toBe('ok')
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(mock.messages).toEqual([{ webhookId: hook.webhookId, body, receivedAt: T0 }])
    expect(mock.requests[0]).toMatchObject({ method: 'POST', status: 200, answer: 'ok', webhookId: hook.webhookId })
  })

  it('gives webhooks Slack-shaped URLs', () => {
    expect(hook.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/services\/T[A-Z0-9]{10}\/B[A-Z0-9]{10}\/[A-Za-z0-9]{24}$/)
  })
})

describe('slackMock: errors', () => {
  it('unknown webhook, wrong secret or team → 404 no_service', async () => {
    for (const url of [
      `${mock.url}/services/T000/B000/nope`,
      hook.url.replace(/[^/]+$/, 'wrongsecret'),
      hook.url.replace(hook.teamId, 'TOTHER0000'),
    ]) {
      expect(await post(url, { text: 'x' })).toMatchObject({ status: 404, text: 'no_service' })
    }
    mock.removeWebhook(hook.webhookId)
    expect(await send()).toMatchObject({ status: 404, text: 'no_service' })
    expect(mock.messages).toHaveLength(0)
  })

  it.each([
    ['channel_not_found', 404],
    ['channel_is_archived', 410],
    ['action_prohibited', 403],
    ['invalid_token', 403],
  ] as const)('a webhook switched to %s answers %d until healed', async (error, status) => {
    mock.breakWebhook(hook.webhookId, error)
    expect(await send()).toMatchObject({ status, text: error })
    expect(await send()).toMatchObject({ status, text: error })
    mock.breakWebhook(hook.webhookId, null)
    expect(await send()).toMatchObject({ status: 200, text: 'ok' })
  })

  it('bad JSON → 400 invalid_payload; nothing to show → 400 no_text', async () => {
    expect(await post(hook.url, undefined, '{"text": ')).toMatchObject({ status: 400, text: 'invalid_payload' })
    expect(await post(hook.url, [1, 2])).toMatchObject({ status: 400, text: 'invalid_payload' })
    expect(await send({})).toMatchObject({ status: 400, text: 'no_text' })
    expect(await send({ text: '  ', blocks: [] })).toMatchObject({ status: 400, text: 'no_text' })
    expect(await send({ blocks: [section('only blocks')] })).toMatchObject({ status: 200, text: 'ok' })
  })

  it('more than 100 attachments → 400 too_many_attachments', async () => {
    const attachments = Array.from({ length: 101 }, () => ({ text: 'a' }))
    expect(await send({ text: 'x', attachments })).toMatchObject({ status: 400, text: 'too_many_attachments' })
  })

  it('a broken Block Kit limit → 400 invalid_blocks, with the reason recorded', async () => {
    const res = await send({ text: 'x', blocks: [header('h'.repeat(151))] })
    expect(res).toMatchObject({ status: 400, text: 'invalid_blocks' })
    expect(mock.requests[0].reason).toBe('blocks[0].text: text longer than 150 (151)')
    expect(mock.messages).toHaveLength(0)
  })
})

describe('slackMock: Block Kit limits', () => {
  const field = (n: number) => ({ type: 'mrkdwn', text: 'f'.repeat(n) })
  it.each([
    ['51 blocks', Array.from({ length: 51 }, () => ({ type: 'divider' })), 'blocks: more than 50 (51)'],
    ['section text 3001', [section('s'.repeat(3001))], 'blocks[0].text: text longer than 3000 (3001)'],
    ['11 fields', [{ type: 'section', fields: Array.from({ length: 11 }, () => field(1)) }], 'blocks[0].fields: more than 10'],
    ['field 2001', [{ type: 'section', fields: [field(2001)] }], 'blocks[0].fields[0]: text longer than 2000 (2001)'],
    ['header in mrkdwn', [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }], 'blocks[0].text: type must be plain_text'],
    ['empty text', [section('')], 'blocks[0].text: text must not be empty'],
    ['block_id 256', [{ ...section('s'), block_id: 'b'.repeat(256) }], 'blocks[0].block_id: 1..255 characters'],
    ['duplicate block_id', [{ ...section('a'), block_id: 'x' }, { ...section('b'), block_id: 'x' }], 'blocks[1].block_id: duplicate x'],
    ['11 context elements', [{ type: 'context', elements: Array.from({ length: 11 }, () => field(1)) }], 'blocks[0].elements: more than 10'],
    ['a section with nothing', [{ type: 'section' }], 'blocks[0]: needs text or fields'],
    ['an unknown block', [{ type: 'marquee' }], 'blocks[0]: unsupported block type "marquee"'],
  ])('refuses %s', (_name, blocks, reason) => {
    expect(blocksProblem(blocks)).toBe(reason)
  })

  it('accepts exactly the limits', () => {
    const blocks = [
      header('h'.repeat(150)),
      { ...section('s'.repeat(3000)), block_id: 'b'.repeat(255) },
      { type: 'section', fields: Array.from({ length: 10 }, () => field(200)) },
      { type: 'context', elements: Array.from({ length: 10 }, () => field(10)) },
      ...Array.from({ length: 46 }, () => ({ type: 'divider' })),
    ]
    expect(blocks).toHaveLength(50)
    expect(blocksProblem(blocks)).toBeNull()
  })

  it('refuses blocks over ~13k characters in total (msg_blocks_too_long)', () => {
    const blocks = Array.from({ length: 5 }, () => section('s'.repeat(2900)))
    expect(JSON.stringify(blocks).length).toBeGreaterThan(13_000)
    expect(blocksProblem(blocks)).toMatch(/^blocks: \d+ characters in total, more than 13000$/)
  })
})

describe('slackMock: rate limit (token bucket 25, refilled 1/s)', () => {
  it('takes a burst of 25, then 429 with Retry-After: 1, then one more per second', async () => {
    for (let i = 0; i < 25; i++) expect((await send()).status).toBe(200)
    const limited = await send()
    expect(limited).toMatchObject({ status: 429, text: 'rate_limited' })
    expect(limited.headers.get('retry-after')).toBe('1')
    expect(mock.rateLimited429Count).toBe(1)
    clock += 1000
    expect((await send()).status).toBe(200)
    expect((await send()).status).toBe(429)
    clock += 10_000
    for (let i = 0; i < 10; i++) expect((await send()).status).toBe(200)
    expect(mock.messages).toHaveLength(36)
    expect(mock.rateLimited429Count).toBe(2)
  })

  it('keeps a bucket per webhook and takes capacity/refill options', async () => {
    await mock.close()
    mock = await startSlackMock({ bucketCapacity: 2, refillPerSecond: 4, now: () => clock })
    hook = mock.addWebhook()
    const other = mock.addWebhook()
    expect([(await send()).status, (await send()).status, (await send()).status]).toEqual([200, 200, 429])
    expect((await post(other.url, { text: 'x' })).status).toBe(200)
    clock += 250
    expect((await send()).status).toBe(200)
  })
})

describe('slackMock: scripted responses', () => {
  it('answers scripted errors in order, then processes normally', async () => {
    mock.script(hook.webhookId, { status: 500 }, { status: 429 }, { status: 403, body: 'team_disabled' })
    expect(await send()).toMatchObject({ status: 500, text: 'rollup_error' })
    const limited = await send()
    expect(limited).toMatchObject({ status: 429, text: 'rate_limited' })
    expect(limited.headers.get('retry-after')).toBe('1')
    expect(await send()).toMatchObject({ status: 403, text: 'team_disabled' })
    expect(await send()).toMatchObject({ status: 200, text: 'ok' })
    expect(mock.messages).toHaveLength(1)
  })

  it('a delayed success records the message at once and answers late', async () => {
    mock.script(hook.webhookId, { delayMs: 150 })
    const started = Date.now()
    const pending = send()
    await new Promise((r) => setTimeout(r, 50))
    expect(mock.messages).toHaveLength(1)
    expect(mock.requests[0].status).toBe(0)
    expect(await pending).toMatchObject({ status: 200, text: 'ok' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
  })

  it('drops the connection when told to', async () => {
    mock.script(hook.webhookId, { dropConnection: true })
    await expect(send()).rejects.toThrow()
    expect(mock.messages).toHaveLength(0)
    expect(mock.requests[0].status).toBe(0)
  })

  it('waitForMessages resolves on the n-th message and rejects on timeout', async () => {
    const waiting = mock.waitForMessages(2, 1000)
    await send()
    await send()
    expect(await waiting).toHaveLength(2)
    await expect(mock.waitForMessages(3, 30)).rejects.toThrow(/wanted 3, got 2/)
  })
})
