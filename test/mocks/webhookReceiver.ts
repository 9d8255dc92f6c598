// A local Standard Webhooks receiver (plain node:http on 127.0.0.1). It verifies
// webhook-signature with the standardwebhooks package over the RAW bytes (±5 min tolerance),
// records every request, and answers from a script: statuses, redirects, Retry-After, hangs.
// Behaviour: /work/shared/reference/destinations.md, "Generic HTTP" and "Mock behaviour".
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { Webhook } from 'standardwebhooks'
import { closeServer, listenLocal, readBody } from './mockServerKit'

export interface ReceivedRequest {
  method: string
  /** Path and query as requested. */
  path: string
  headers: Record<string, string>
  rawBody: Buffer
  /** Verified with at least one of the current secrets. */
  verified: boolean
  /** Which of the current secrets (by value) verified the request. */
  verifiedWith: string[]
  /** Why verification failed ("No matching signature found", "Message timestamp too old" …). */
  verifyError?: string
  /** Status answered; 0 while hanging. */
  status: number
  receivedAt: number
}

export interface ScriptedReply {
  status: number
  headers?: Record<string, string>
  body?: string
  /** Never answer (until close): for client timeouts. */
  hang?: boolean
}

export interface WebhookReceiverOptions {
  /** Secrets to verify with (whsec_…). */
  secrets?: string[]
  /** Answer 401 to a request no secret verifies (a strict receiver). Default true. */
  rejectUnverified?: boolean
  /** Real milliseconds to wait before each normal answer (a receiver that takes its time). */
  answerDelayMs?: () => number
}

export interface WebhookReceiver {
  /** Origin, e.g. http://127.0.0.1:4567 */
  url: string
  /** A full URL on this receiver. */
  urlFor(path: string): string
  requests: ReceivedRequest[]
  /** Requests to one path (without query). */
  requestsTo(path: string): ReceivedRequest[]
  readonly count: number
  setSecrets(secrets: string[]): void
  setRejectUnverified(on: boolean): void
  /** Replies for the next requests, in order; afterwards 200 again. */
  script(...replies: ScriptedReply[]): void
  waitForRequests(n: number, timeoutMs?: number): Promise<ReceivedRequest[]>
  /** Parsed JSON body of a request. */
  json(request: ReceivedRequest): any
  close(): Promise<void>
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

/** Which secrets verify the raw body and headers; the first error when none does. */
function verify(secrets: string[], raw: Buffer, headers: Record<string, string>): { with: string[]; error?: string } {
  const verifiedWith: string[] = []
  let error: string | undefined
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(raw, headers)
      verifiedWith.push(secret)
    } catch (e) {
      error ??= (e as Error).message
    }
  }
  return verifiedWith.length ? { with: verifiedWith } : { with: [], error: error ?? 'no secret configured' }
}

export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  let secrets = [...(options.secrets ?? [])]
  let rejectUnverified = options.rejectUnverified ?? true
  const scripted: ScriptedReply[] = []
  const requests: ReceivedRequest[] = []

  const answer = (res: ServerResponse, record: ReceivedRequest, reply: ScriptedReply) => {
    record.status = reply.status
    const body = reply.body ?? ''
    res.writeHead(reply.status, {
      ...(body ? { 'content-type': 'text/plain' } : {}),
      'content-length': String(Buffer.byteLength(body)),
      ...reply.headers,
    })
    res.end(body)
  }

  const server = createServer(async (req, res) => {
    const raw = await readBody(req)
    const headers = flatHeaders(req)
    const check = verify(secrets, raw, headers)
    const record: ReceivedRequest = {
      method: req.method ?? '',
      path: req.url ?? '/',
      headers,
      rawBody: raw,
      verified: check.with.length > 0,
      verifiedWith: check.with,
      ...(check.error ? { verifyError: check.error } : {}),
      status: 0,
      receivedAt: Date.now(),
    }
    requests.push(record)
    const reply = scripted.shift()
    if (reply?.hang) return // the socket is destroyed at close()
    if (reply) return answer(res, record, reply)
    if (req.method !== 'POST') return answer(res, record, { status: 405 })
    if (!record.verified && rejectUnverified) return answer(res, record, { status: 401, body: 'invalid signature' })
    const delay = options.answerDelayMs?.() ?? 0
    if (delay > 0) await new Promise((r) => setTimeout(r, delay))
    if (res.destroyed) return // the sender went away meanwhile
    answer(res, record, { status: 200, body: 'ok' })
  })
  const url = await listenLocal(server)

  return {
    url,
    urlFor: (path) => url + (path.startsWith('/') ? path : `/${path}`),
    requests,
    requestsTo: (path) => requests.filter((r) => r.path.split('?')[0] === path),
    get count() {
      return requests.length
    },
    setSecrets(next) {
      secrets = [...next]
    },
    setRejectUnverified(on) {
      rejectUnverified = on
    },
    script(...replies) {
      scripted.push(...replies)
    },
    async waitForRequests(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs
      while (requests.length < n) {
        if (Date.now() > deadline) throw new Error(`webhook receiver: ${requests.length} of ${n} requests after ${timeoutMs} ms`)
        await new Promise((r) => setTimeout(r, 5))
      }
      return requests.slice(0, n)
    },
    json: (request) => JSON.parse(request.rawBody.toString('utf8')),
    close: () => closeServer(server),
  }
}
