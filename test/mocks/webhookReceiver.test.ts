// The receiver mock itself: verification over raw bytes, secrets, scripts, hangs.
import { randomBytes } from 'node:crypto'
import { request } from 'undici'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { startWebhookReceiver, type WebhookReceiver } from './webhookReceiver'

const secretA = 'whsec_' + randomBytes(32).toString('base64')
const secretB = 'whsec_' + randomBytes(32).toString('base64')

let receiver: WebhookReceiver
afterEach(async () => receiver?.close())

function signed(body: string, secrets: string[], at = new Date(), id = 'msg_1') {
  const signature = secrets.map((s) => new Webhook(s).sign(id, at, body)).join(' ')
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  }
}

async function post(path: string, body: string, headers: Record<string, string>, signal?: AbortSignal) {
  const res = await request(receiver.urlFor(path), { method: 'POST', body, headers, signal })
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() }
}

describe('webhook receiver mock', () => {
  it('verifies a signature over the raw bytes and records the request', async () => {
    receiver = await startWebhookReceiver({ secrets: [secretA] })
    const body = '{"type":"x","data":{"a":"ö"}}'
    const res = await post('/hook?x=1', body, signed(body, [secretA]))
    expect(res.status).toBe(200)
    expect(receiver.count).toBe(1)
    const [r] = receiver.requests
    expect(r).toMatchObject({ method: 'POST', path: '/hook?x=1', verified: true, verifiedWith: [secretA], status: 200 })
    expect(r.rawBody.toString('utf8')).toBe(body)
    expect(receiver.json(r)).toEqual({ type: 'x', data: { a: 'ö' } })
    expect(receiver.requestsTo('/hook')).toHaveLength(1)
  })

  it('rejects a changed byte, a wrong secret and a timestamp outside ±5 min with 401', async () => {
    receiver = await startWebhookReceiver({ secrets: [secretA] })
    const body = '{"a":1}'
    expect((await post('/h', '{"a":2}', signed(body, [secretA]))).status).toBe(401)
    expect((await post('/h', body, signed(body, [secretB]))).status).toBe(401)
    const old = new Date(Date.now() - 6 * 60_000)
    expect((await post('/h', body, signed(body, [secretA], old))).status).toBe(401)
    const withinSkew = new Date(Date.now() + 4 * 60_000)
    expect((await post('/h', body, signed(body, [secretA], withinSkew))).status).toBe(200)
    expect(receiver.requests.map((r) => r.verified)).toEqual([false, false, false, true])
    expect(receiver.requests[2].verifyError).toBe('Message timestamp too old')
  })

  it('verifies with the old or the new secret, and records which ones matched', async () => {
    receiver = await startWebhookReceiver({ secrets: [secretA, secretB] })
    const body = '{}'
    await post('/h', body, signed(body, [secretB, secretA]))
    await post('/h', body, signed(body, [secretB]))
    receiver.setSecrets([secretA])
    await post('/h', body, signed(body, [secretB]))
    expect(receiver.requests.map((r) => r.verifiedWith)).toEqual([[secretA, secretB], [secretB], []])
    expect(receiver.requests.map((r) => r.status)).toEqual([200, 200, 401])
  })

  it('answers scripted statuses with their headers, then 200 again', async () => {
    receiver = await startWebhookReceiver({ secrets: [secretA] })
    receiver.script(
      { status: 301, headers: { location: receiver.urlFor('/moved') } },
      { status: 410 },
      { status: 429, headers: { 'retry-after': '7' } },
      { status: 503, headers: { 'retry-after': '3' } },
      { status: 204 },
    )
    const body = '{}'
    const statuses = []
    for (let i = 0; i < 6; i++) {
      const res = await post('/h', body, signed(body, [secretA]))
      statuses.push([res.status, res.headers.location ?? res.headers['retry-after'] ?? null])
    }
    expect(statuses).toEqual([
      [301, receiver.urlFor('/moved')],
      [410, null],
      [429, '7'],
      [503, '3'],
      [204, null],
      [200, null],
    ])
    expect(receiver.requestsTo('/moved')).toHaveLength(0)
  })

  it('hangs without answering until the client gives up', async () => {
    receiver = await startWebhookReceiver({ secrets: [secretA] })
    receiver.script({ status: 200, hang: true })
    const started = Date.now()
    await expect(post('/h', '{}', signed('{}', [secretA]), AbortSignal.timeout(200))).rejects.toThrow()
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    expect(receiver.requests[0].status).toBe(0)
  })
})
