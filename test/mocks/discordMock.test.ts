import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startDiscordMock, type DiscordMock, type MockWebhook } from './discordMock'

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0)
let clock = T0
let mock: DiscordMock
let hook: MockWebhook

interface PostOpts {
  query?: string
  raw?: string
  contentType?: string
  signal?: AbortSignal
}

async function post(url: string, body: unknown, o: PostOpts = {}): Promise<{ res: Response; json: any; text: string }> {
  const res = await fetch(url + (o.query ?? ''), {
    method: 'POST',
    headers: { 'Content-Type': o.contentType ?? 'application/json' },
    body: o.raw ?? JSON.stringify(body),
    signal: o.signal,
  })
  const text = await res.text()
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { res, json, text }
}

const v10 = (h: MockWebhook): string => h.url.replace('/api/webhooks/', '/api/v10/webhooks/')
const send = (body: unknown = { content: 'hi' }, query = '?wait=true') => post(v10(hook), body, { query })

beforeEach(async () => {
  clock = T0
  mock = await startDiscordMock({ now: () => clock })
  hook = mock.addWebhook()
})

afterEach(async () => {
  await mock.close()
})

describe('discordMock: success', () => {
  it('answers 200 + message JSON with wait=true', async () => {
    const { res, json } = await send({ content: 'Flipper stuck', allowed_mentions: { parse: [] } })
    expect(res.status).toBe(200)
    expect(json).toMatchObject({ type: 0, content: 'Flipper stuck', channel_id: hook.channelId, webhook_id: hook.id })
    expect(json.id).toMatch(/^\d+$/)
    expect(mock.messages).toHaveLength(1)
    expect(mock.messages[0]).toMatchObject({ id: json.id, webhookId: hook.id, channelId: hook.channelId, query: { wait: 'true' } })
    expect(mock.messages[0]!.body).toEqual({ content: 'Flipper stuck', allowed_mentions: { parse: [] } })
  })

  it('answers 204 with an empty body without wait, and ids increase', async () => {
    const first = await send({ content: 'a' }, '')
    expect(first.res.status).toBe(204)
    expect(first.text).toBe('')
    const second = await send({ content: 'b' })
    expect(BigInt(second.json.id) > BigInt(mock.messages[0]!.id)).toBe(true)
    expect(mock.requests.map((r) => r.status)).toEqual([204, 200])
  })

  it('accepts every API version from v6 to v10 and the unversioned path', async () => {
    for (const p of ['/api/', '/api/v6/', '/api/v8/', '/api/v10/']) {
      const { res } = await post(hook.url.replace('/api/', p), { content: 'x' })
      expect(res.status, p).toBe(204)
    }
    clock += 2000
    expect((await post(hook.url.replace('/api/', '/api/v11/'), { content: 'x' })).res.status).toBe(404)
  })

  it('waitForMessages resolves once enough messages arrived', async () => {
    const waiting = mock.waitForMessages(2, 1000)
    await send({ content: '1' })
    await send({ content: '2' })
    const msgs = await waiting
    expect(msgs.map((m) => m.body.content)).toEqual(['1', '2'])
    await expect(mock.waitForMessages(3, 20)).rejects.toThrow(/wanted 3, got 2/)
  })
})

describe('discordMock: errors', () => {
  it('404 10015 for an unknown or removed webhook, 404 code 0 elsewhere', async () => {
    const unknown = await post(`${mock.url}/api/v10/webhooks/123/abc`, { content: 'x' })
    expect(unknown.res.status).toBe(404)
    expect(unknown.json).toEqual({ message: 'Unknown Webhook', code: 10015 })

    mock.removeWebhook(hook.id)
    expect((await send()).json.code).toBe(10015)

    const other = await post(`${mock.url}/api/v10/channels/1/messages`, { content: 'x' })
    expect(other.res.status).toBe(404)
    expect(other.json).toEqual({ message: '404: Not Found', code: 0 })
  })

  it('401 50027 for a wrong token, counted as invalid', async () => {
    const { res, json } = await post(`${mock.url}/api/v10/webhooks/${hook.id}/wrong`, { content: 'x' })
    expect(res.status).toBe(401)
    expect(json).toEqual({ message: 'Invalid Webhook Token', code: 50027 })
    expect(mock.invalidRequestCount).toBe(1)
  })

  it('400 50035 for a non-JSON content type, 50109 for bad JSON, 50006 for empty', async () => {
    const form = await post(v10(hook), null, { raw: 'content=hi', contentType: 'application/x-www-form-urlencoded' })
    expect(form.res.status).toBe(400)
    expect(form.json.code).toBe(50035)

    const bad = await post(v10(hook), null, { raw: '{"content": "hi"' })
    expect(bad.res.status).toBe(400)
    expect(bad.json).toEqual({ message: 'The request body contains invalid JSON.', code: 50109 })

    for (const empty of [{}, { content: '' }, { embeds: [] }]) {
      const r = await send(empty)
      expect(r.res.status).toBe(400)
      expect(r.json).toEqual({ message: 'Cannot send an empty message', code: 50006 })
    }
    expect(mock.messages).toHaveLength(0)
    expect(form.res.headers.get('x-ratelimit-limit')).toBe('5')
  })
})

describe('discordMock: form validation', () => {
  const formErrors = async (body: unknown): Promise<any> => {
    clock += 2000 // fresh rate-limit window each call
    const { res, json } = await send(body)
    expect(res.status).toBe(400)
    expect(json.code).toBe(50035)
    expect(json.message).toBe('Invalid Form Body')
    return json.errors
  }

  it('puts an over-long embed title at embeds.0.title', async () => {
    const errors = await formErrors({ embeds: [{ title: 'x'.repeat(257) }] })
    expect(errors).toEqual({
      embeds: { '0': { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' }] } } },
    })
  })

  it('puts an over-long field value at embeds.1.fields.2.value', async () => {
    const fields = [{ name: 'a', value: 'b' }, { name: 'c', value: 'd' }, { name: 'e', value: 'v'.repeat(1025) }]
    const errors = await formErrors({ embeds: [{ title: 'ok' }, { fields }] })
    expect(errors.embeds['1'].fields['2'].value._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH')
    expect(Object.keys(errors.embeds)).toEqual(['1'])
  })

  it('rejects more than 6000 characters across embeds, accepts exactly 6000', async () => {
    const errors = await formErrors({ embeds: [{ description: 'd'.repeat(4000) }, { description: 'd'.repeat(2001) }] })
    expect(errors.embeds._errors[0].code).toBe('MAX_EMBED_SIZE_EXCEEDED')
    clock += 2000
    const ok = await send({ embeds: [{ description: 'd'.repeat(4000) }, { title: 't'.repeat(200), description: 'd'.repeat(1800) }] })
    expect(ok.res.status).toBe(200)
  })

  it('checks content, username, embed count, color, timestamp, empty field names', async () => {
    expect(Object.keys(await formErrors({ content: 'x'.repeat(2001) }))).toEqual(['content'])
    expect((await formErrors({ content: 'x', username: 'Not Clyde' })).username._errors[0].code).toBe('USERNAME_INVALID_CONTAINS')
    expect((await formErrors({ content: 'x', username: 'my DISCORD bot' })).username).toBeDefined()
    expect((await formErrors({ content: 'x', username: 'u'.repeat(81) })).username).toBeDefined()
    expect((await formErrors({ embeds: Array.from({ length: 11 }, () => ({ title: 't' })) })).embeds._errors).toBeDefined()
    expect((await formErrors({ embeds: [{ title: 't', color: 16777216 }] })).embeds['0'].color).toBeDefined()
    expect((await formErrors({ embeds: [{ title: 't', color: 1.5 }] })).embeds['0'].color).toBeDefined()
    expect((await formErrors({ embeds: [{ title: 't', timestamp: 'yesterday' }] })).embeds['0'].timestamp).toBeDefined()
    expect((await formErrors({ embeds: [{ fields: [{ name: '', value: 'v' }] }] })).embeds['0'].fields['0'].name).toBeDefined()
    expect((await formErrors({ embeds: [{ footer: { text: 'f'.repeat(2049) } }] })).embeds['0'].footer.text).toBeDefined()
    expect((await formErrors({ embeds: [{ author: { name: 'a'.repeat(257) } }] })).embeds['0'].author.name).toBeDefined()
    clock += 2000
    const valid = await send({ embeds: [{ title: 't', color: 16777215, timestamp: '2025-01-01T12:00:00.000Z' }] })
    expect(valid.res.status).toBe(200)
  })
})

describe('discordMock: rate limits', () => {
  it('counts Remaining down, answers the 6th request with 429, recovers after the window', async () => {
    const remaining: Array<string | null> = []
    for (let i = 0; i < 5; i++) {
      const { res } = await send()
      expect(res.status).toBe(200)
      remaining.push(res.headers.get('x-ratelimit-remaining'))
      expect(res.headers.get('x-ratelimit-limit')).toBe('5')
      expect(res.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{32}$/)
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0'])

    clock += 500
    const limited = await send()
    expect(limited.res.status).toBe(429)
    expect(limited.json).toEqual({ message: 'You are being rate limited.', retry_after: 1.5, global: false })
    expect(limited.res.headers.get('retry-after')).toBe('2')
    expect(limited.res.headers.get('x-ratelimit-scope')).toBe('user')
    expect(limited.res.headers.get('x-ratelimit-reset-after')).toBe('1.500')
    expect(limited.res.headers.get('x-ratelimit-reset')).toBe(((T0 + 2000) / 1000).toFixed(3))
    expect(mock.rateLimited429Count).toBe(1)
    expect(mock.invalidRequestCount).toBe(1)

    clock += 1500
    const after = await send()
    expect(after.res.status).toBe(200)
    expect(after.res.headers.get('x-ratelimit-remaining')).toBe('4')
    expect(mock.messages).toHaveLength(6)
  })

  it('uses integer milliseconds for retry_after on the unversioned (v6) path', async () => {
    for (let i = 0; i < 5; i++) await post(hook.url, { content: 'x' })
    clock += 766
    const { res, json } = await post(hook.url, { content: 'x' })
    expect(res.status).toBe(429)
    expect(json.retry_after).toBe(1234)
  })

  it('applies a hidden per-channel limit shared by webhooks, even while Remaining > 0', async () => {
    const sibling = mock.addWebhook({ channelId: hook.channelId })
    for (let i = 0; i < 30; i++) {
      if (i > 0 && i % 5 === 0) clock += 2000
      const h = i % 2 === 0 ? hook : sibling
      expect((await post(v10(h), { content: `m${i}` })).res.status).toBe(204)
    }
    clock += 2000
    const { res, json } = await send()
    expect(res.status).toBe(429)
    expect(res.headers.get('x-ratelimit-scope')).toBe('shared')
    expect(Number(res.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0)
    expect(json.global).toBe(false)
    expect(json.retry_after).toBe(48)

    const other = mock.addWebhook() // another channel is unaffected
    expect((await post(v10(other), { content: 'x' })).res.status).toBe(204)

    clock = T0 + 60_000
    expect((await send()).res.status).toBe(200)
  })

  it('global switch answers every request with a global 429', async () => {
    mock.setGlobalRateLimit(true, 2.5)
    const { res, json } = await send()
    expect(res.status).toBe(429)
    expect(json).toEqual({ message: 'You are being rate limited.', retry_after: 2.5, global: true })
    expect(res.headers.get('x-ratelimit-global')).toBe('true')
    expect(res.headers.get('x-ratelimit-scope')).toBe('global')
    expect(res.headers.get('retry-after')).toBe('3')
    mock.setGlobalRateLimit(false)
    expect((await send()).res.status).toBe(200)
  })

  it('Cloudflare ban answers 429 HTML 1015 without rate-limit headers', async () => {
    mock.setCloudflareBan(true)
    const { res, text } = await send()
    expect(res.status).toBe(429)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(text).toBe('error code: 1015')
    expect([...res.headers.keys()].filter((k) => k.startsWith('x-ratelimit'))).toEqual([])
    expect(res.headers.get('retry-after')).toBeNull()
    expect(mock.invalidRequestCount).toBe(1)
    mock.setCloudflareBan(false)
    expect((await send()).res.status).toBe(200)
  })
})

describe('discordMock: scripts', () => {
  it('plays scripted answers once each, then behaves normally', async () => {
    mock.script(hook.id, { status: 500 }, { status: 429, retryAfter: 0.2 })
    const first = await send()
    expect(first.res.status).toBe(500)
    const second = await send()
    expect(second.res.status).toBe(429)
    expect(second.json.retry_after).toBe(0.2)
    expect(second.res.headers.get('retry-after')).toBe('1')
    const third = await send()
    expect(third.res.status).toBe(200)
    expect(mock.messages).toHaveLength(1)
    expect(mock.requests.map((r) => r.status)).toEqual([500, 429, 200])
  })

  it('drops the connection', async () => {
    mock.script(hook.id, { dropConnection: true })
    await expect(send()).rejects.toThrow()
    expect(mock.messages).toHaveLength(0)
    expect(mock.requests[0]!.status).toBe(0)
  })

  it('a delayed success records the message although the client timed out', async () => {
    mock.script(hook.id, { status: 200, delayMs: 5000 })
    await expect(post(v10(hook), { content: 'late' }, { query: '?wait=true', signal: AbortSignal.timeout(50) })).rejects.toThrow()
    expect(mock.messages.map((m) => m.body.content)).toEqual(['late'])
  })

  it('reset clears records, counters and scripts but keeps webhooks', async () => {
    await post(`${mock.url}/api/v10/webhooks/${hook.id}/wrong`, {})
    await send()
    mock.script(hook.id, { status: 500 })
    mock.reset()
    expect(mock.requests).toHaveLength(0)
    expect(mock.invalidRequestCount).toBe(0)
    expect((await send()).res.status).toBe(200)
  })
})

describe('discordMock: forum channels', () => {
  it('thread_name creates a thread, thread_id posts into it', async () => {
    const forum = mock.addWebhook({ forum: true })
    const created = await post(v10(forum), { content: 'Pinbot: coil burnt', thread_name: 'Pinbot' }, { query: '?wait=true' })
    expect(created.res.status).toBe(200)
    const threadId: string = created.json.channel_id
    expect(threadId).not.toBe(forum.channelId)
    expect(mock.messages[0]).toMatchObject({ channelId: forum.channelId, threadId })

    const reply = await post(v10(forum), { content: 'fixed' }, { query: `?wait=true&thread_id=${threadId}` })
    expect(reply.res.status).toBe(200)
    expect(reply.json.channel_id).toBe(threadId)
    expect(mock.messages[1]).toMatchObject({ threadId, query: { wait: 'true', thread_id: threadId } })
  })

  it('enforces 220001, 220002, 220003 and unknown threads', async () => {
    const forum = mock.addWebhook({ forum: true })
    const neither = await post(v10(forum), { content: 'x' })
    expect([neither.res.status, neither.json.code]).toEqual([400, 220001])

    const both = await post(v10(forum), { content: 'x', thread_name: 't' }, { query: '?thread_id=1' })
    expect([both.res.status, both.json.code]).toEqual([400, 220002])

    const notForum = await send({ content: 'x', thread_name: 't' })
    expect([notForum.res.status, notForum.json.code]).toEqual([400, 220003])

    const unknown = await post(v10(forum), { content: 'x' }, { query: '?thread_id=999' })
    expect([unknown.res.status, unknown.json]).toEqual([400, { message: 'Unknown Channel', code: 10003 }])
    expect(mock.messages).toHaveLength(0)
  })
})

describe('discordMock: editing a message', () => {
  const patch = (h: MockWebhook, id: string, body: unknown, query = '') =>
    fetch(`${v10(h)}/messages/${id}${query}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })

  it('edits a message its webhook posted, and answers Unknown Message (10008) for any other', async () => {
    const { json: posted } = await send({ content: 'open' })
    const res = await patch(hook, posted.id, { embeds: [{ title: 'closed', color: 0x2ecc71 }] })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ id: posted.id, content: 'open', embeds: [{ title: 'closed' }] })
    expect(mock.messages[0].body).toMatchObject({ content: 'open', embeds: [{ title: 'closed' }] })
    expect(mock.edits).toHaveLength(1)

    const other = mock.addWebhook()
    expect((await (await patch(other, posted.id, { content: 'x' })).json()).code).toBe(10008)
    mock.deleteMessage(posted.id)
    const gone = await patch(hook, posted.id, { content: 'x' })
    expect([gone.status, (await gone.json()).code]).toEqual([404, 10008])
    expect(mock.edits).toHaveLength(1)
  })

  it('a message in a forum thread is found only with its thread_id', async () => {
    const forum = mock.addWebhook({ forum: true })
    const { json: starter } = await post(v10(forum), { content: 'report', thread_name: 'Report' }, { query: '?wait=true' })
    expect((await patch(forum, starter.id, { content: 'closed' })).status).toBe(404)
    expect((await patch(forum, starter.id, { content: 'closed' }, `?thread_id=${starter.channel_id}`)).status).toBe(200)
  })
})
