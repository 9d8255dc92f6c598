// A faithful local mock of Discord's Execute Webhook endpoint (plain node:http).
// Behaviour: /work/shared/reference/destinations.md, "Discord" and "Mock behaviour for tests".
import { createServer, STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import {
  FixedWindowLimiter,
  bucketHash,
  isEmptyMessage,
  validatePayload,
  type ErrorTree,
  type WindowState,
} from './discordLimits'
import { closeServer, createTimers, createWaiters, listenLocal, readBody } from './mockServerKit'

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

export interface DiscordMockOptions {
  perWebhookLimit?: number // 5
  perWebhookWindowMs?: number // 2000
  perChannelLimit?: number // 30
  perChannelWindowMs?: number // 60000
  /** Clock (epoch ms) for rate-limit windows, timestamps and snowflakes. Default Date.now. */
  now?: () => number
  /** Port on 127.0.0.1; default a free one. Reopening on a closed mock's port simulates an outage. */
  port?: number
}

export interface MockWebhook {
  id: string
  token: string
  channelId: string
  forum: boolean
  url: string
}

export interface MockMessage {
  id: string
  webhookId: string
  /** The webhook's (parent) channel. */
  channelId: string
  /** Set when the message went into a forum thread (new via thread_name, or ?thread_id=). */
  threadId?: string
  body: Record<string, unknown>
  receivedAt: number
  query: Record<string, string>
  /** Set by an edit (PATCH …/messages/:id): when it was last edited. */
  editedAt?: number
}

/** One accepted edit of a message: its id and the fields the PATCH sent. */
export interface MockEdit {
  messageId: string
  body: Record<string, unknown>
  query: Record<string, string>
  receivedAt: number
}

export interface MockRequest {
  method: string
  path: string
  query: Record<string, string>
  headers: IncomingHttpHeaders
  rawBody: string
  /** HTTP status answered; 0 while still pending (delayed) or when the connection was dropped. */
  status: number
  receivedAt: number
}

export interface ScriptedResponse {
  /** 2xx (or omitted) = process normally (message recorded), only delayed by delayMs. */
  status?: number
  /** For 429: seconds in the body (float) and Retry-After (ceil). Default 1. */
  retryAfter?: number
  /** For 429: answer as a global rate limit. */
  global?: boolean
  /** Replace the default body for a non-2xx status (object → JSON, string → text/plain). */
  body?: unknown
  headers?: Record<string, string>
  /** Wait this long (real time) before answering / dropping. */
  delayMs?: number
  /** Destroy the socket without answering. */
  dropConnection?: boolean
}

export interface DiscordMock {
  url: string
  addWebhook(opts?: { id?: string; token?: string; channelId?: string; forum?: boolean }): MockWebhook
  removeWebhook(id: string): void
  messages: MockMessage[]
  /** Accepted edits, in order; each message in `messages` shows its latest state. */
  edits: MockEdit[]
  /** A moderator deletes a message: editing it answers 404 Unknown Message (10008). */
  deleteMessage(id: string): void
  requests: MockRequest[]
  readonly invalidRequestCount: number
  readonly rateLimited429Count: number
  script(webhookId: string, ...responses: ScriptedResponse[]): void
  setGlobalRateLimit(on: boolean, retryAfterSec?: number): void
  setCloudflareBan(on: boolean): void
  reset(): void
  waitForMessages(n: number, timeoutMs?: number): Promise<MockMessage[]>
  close(): Promise<void>
}

// ---------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------

interface Reply {
  status: number
  headers?: Record<string, string>
  json?: unknown
  text?: string
  contentType?: string
}

const DISCORD_EPOCH = 1420070400000n
const ROUTE = /^\/api(?:\/v(\d+))?\/webhooks\/([^/]+)\/([^/]+)$/
const MESSAGE_ROUTE = /^\/api(?:\/v(\d+))?\/webhooks\/([^/]+)\/([^/]+)\/messages\/([^/]+)$/

const error = (status: number, code: number, message: string, errors?: ErrorTree): Reply => ({
  status,
  json: errors ? { message, code, errors } : { message, code },
})
const notFound = (): Reply => error(404, 0, '404: Not Found')
const round3 = (x: number): number => Math.round(x * 1000) / 1000

/** retry_after is float seconds from API v8; integer milliseconds in v6/v7 (and unversioned). */
function retryAfterValue(ms: number, apiVersion: number): number {
  return apiVersion < 8 ? Math.ceil(round3(ms)) : round3(ms / 1000)
}

function rateLimited(ms: number, apiVersion: number, scope: 'user' | 'shared' | 'global', headers: Record<string, string> = {}): Reply {
  const global = scope === 'global'
  return {
    status: 429,
    headers: {
      ...headers,
      'Retry-After': String(Math.ceil(round3(ms / 1000))),
      'X-RateLimit-Scope': scope,
      ...(global ? { 'X-RateLimit-Global': 'true' } : {}),
    },
    json: { message: 'You are being rate limited.', retry_after: retryAfterValue(ms, apiVersion), global },
  }
}

function rateHeaders(webhookId: string, w: WindowState, now: number): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(w.limit),
    'X-RateLimit-Remaining': String(w.remaining),
    'X-RateLimit-Reset': (w.resetAt / 1000).toFixed(3),
    'X-RateLimit-Reset-After': (Math.max(0, w.resetAt - now) / 1000).toFixed(3),
    'X-RateLimit-Bucket': bucketHash(webhookId),
  }
}

function defaultScriptedBody(status: number): unknown {
  switch (status) {
    case 401: return { message: 'Invalid Webhook Token', code: 50027 }
    case 403: return { message: 'Missing Permissions', code: 50013 }
    case 404: return { message: 'Unknown Webhook', code: 10015 }
    case 413: return { message: 'Request entity too large', code: 40005 }
    default: return { message: `${status}: ${STATUS_CODES[status] ?? 'Error'}`, code: 0 }
  }
}

function isJsonContentType(header: string | undefined): boolean {
  return (header ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json'
}

const isTrue = (v: string | undefined): boolean => v !== undefined && ['true', '1'].includes(v.toLowerCase())

// ---------------------------------------------------------------------------
// The mock
// ---------------------------------------------------------------------------

interface Ctx {
  record: MockRequest
  webhookId: string
  token: string
  apiVersion: number
  contentType: string | undefined
}

export async function startDiscordMock(opts: DiscordMockOptions = {}): Promise<DiscordMock> {
  const now = opts.now ?? Date.now
  const webhookLimiter = new FixedWindowLimiter(opts.perWebhookLimit ?? 5, opts.perWebhookWindowMs ?? 2000)
  const channelLimiter = new FixedWindowLimiter(opts.perChannelLimit ?? 30, opts.perChannelWindowMs ?? 60000)

  const webhooks = new Map<string, MockWebhook>()
  const threads = new Map<string, string>() // threadId → parent channelId
  const scripts = new Map<string, ScriptedResponse[]>()
  const messages: MockMessage[] = []
  const edits: MockEdit[] = []
  const deleted = new Set<string>()
  const requests: MockRequest[] = []
  const waiters = createWaiters('discordMock.waitForMessages', messages)
  const timers = createTimers()
  let invalidRequestCount = 0
  let rateLimited429Count = 0
  let globalLimit: { retryAfterSec: number } | null = null
  let cloudflareBan = false
  let lastSnowflake = 0n
  let base = ''

  /** Increasing snowflakes derived from the (possibly fake) clock. */
  function snowflake(): string {
    let s = BigInt(Math.max(0, Math.floor(now()))) - DISCORD_EPOCH
    s = s > 0n ? s << 22n : 0n
    if (s <= lastSnowflake) s = lastSnowflake + 1n
    lastSnowflake = s
    return s.toString()
  }

  function send(res: ServerResponse, record: MockRequest, r: Reply): void {
    record.status = r.status
    if (r.status === 401 || r.status === 403 || r.status === 429) invalidRequestCount++
    if (r.status === 429) rateLimited429Count++
    if (res.destroyed || res.writableEnded) return
    const headers: Record<string, string> = { ...r.headers }
    let body: string | undefined
    if (r.json !== undefined) {
      body = JSON.stringify(r.json)
      headers['Content-Type'] = 'application/json'
    } else if (r.text !== undefined) {
      body = r.text
      headers['Content-Type'] = r.contentType ?? 'text/plain; charset=utf-8'
    }
    res.writeHead(r.status, headers)
    res.end(body)
  }

  function pushMessage(m: MockMessage): void {
    messages.push(m)
    waiters.notify()
  }

  // --- forum / thread rules --------------------------------------------------

  type ThreadTarget = { reply: Reply } | { threadId?: string; newThread: boolean }

  function resolveThread(hook: MockWebhook, body: Record<string, unknown>, query: Record<string, string>): ThreadTarget {
    const threadName = body.thread_name
    const threadId = query.thread_id
    const hasName = typeof threadName === 'string' && threadName.length > 0
    if (hasName && threadId !== undefined) {
      return { reply: error(400, 220002, 'Webhooks posted to forum channels cannot have both a thread_name and thread_id') }
    }
    if (hasName && !hook.forum) return { reply: error(400, 220003, 'Webhooks can only create threads in forum channels') }
    if (threadId !== undefined) {
      if (threads.get(threadId) !== hook.channelId) return { reply: error(400, 10003, 'Unknown Channel') }
      return { threadId, newThread: false }
    }
    if (hook.forum && !hasName) {
      return { reply: error(400, 220001, 'Webhooks posted to forum channels must have a thread_name or thread_id') }
    }
    return { newThread: hasName }
  }

  // --- a message that passed every check ------------------------------------

  function createMessage(hook: MockWebhook, ctx: Ctx, body: Record<string, unknown>, target: { threadId?: string; newThread: boolean }): Reply {
    const t = now()
    const id = snowflake()
    // A new forum thread shares its id with its starter message, as on Discord.
    const threadId = target.newThread ? id : target.threadId
    if (target.newThread) threads.set(id, hook.channelId)
    pushMessage({
      id,
      webhookId: hook.id,
      channelId: hook.channelId,
      ...(threadId !== undefined ? { threadId } : {}),
      body,
      receivedAt: ctx.record.receivedAt,
      query: ctx.record.query,
    })
    if (!isTrue(ctx.record.query.wait)) return { status: 204 }
    const embeds = Array.isArray(body.embeds) ? body.embeds.map((e) => ({ type: 'rich', ...(e as object) })) : []
    return {
      status: 200,
      json: {
        id,
        type: 0,
        content: typeof body.content === 'string' ? body.content : '',
        channel_id: threadId ?? hook.channelId,
        author: {
          id: hook.id,
          username: typeof body.username === 'string' ? body.username : 'Captain Hook',
          avatar: null,
          discriminator: '0000',
          bot: true,
        },
        attachments: [],
        embeds,
        mentions: [],
        mention_roles: [],
        pinned: false,
        mention_everyone: false,
        tts: false,
        timestamp: new Date(t).toISOString().replace('Z', '000+00:00'),
        edited_timestamp: null,
        flags: typeof body.flags === 'number' ? body.flags : 0,
        components: [],
        webhook_id: hook.id,
        ...(target.newThread ? { position: 0 } : {}),
      },
    }
  }

  // --- the endpoint ----------------------------------------------------------

  function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
    try {
      return { ok: true, value: JSON.parse(raw) as unknown }
    } catch {
      return { ok: false }
    }
  }

  /** What Discord checks of a webhook request before its body: the webhook, its token, then
   * the webhook's rate limit. Admitted, it gets the time and the rate headers every answer
   * from here on carries. */
  function admit(ctx: Ctx): { reply: Reply } | { hook: MockWebhook; t: number; headers: Record<string, string>; withHeaders: (r: Reply) => Reply } {
    const hook = webhooks.get(ctx.webhookId)
    if (!hook) return { reply: error(404, 10015, 'Unknown Webhook') }
    if (hook.token !== ctx.token) return { reply: error(401, 50027, 'Invalid Webhook Token') }
    const t = now()
    const bucket = webhookLimiter.take(hook.id, t)
    const headers = rateHeaders(hook.id, bucket, t)
    if (!bucket.ok) return { reply: rateLimited(bucket.resetAt - t, ctx.apiVersion, 'user', headers) }
    return { hook, t, headers, withHeaders: (r: Reply): Reply => ({ ...r, headers: { ...headers, ...r.headers } }) }
  }

  function executeWebhook(ctx: Ctx): Reply {
    const admitted = admit(ctx)
    if ('reply' in admitted) return admitted.reply
    const { hook, t, headers, withHeaders } = admitted

    if (!isJsonContentType(ctx.contentType)) {
      return withHeaders(
        error(400, 50035, 'Invalid Form Body', {
          _errors: [
            {
              code: 'CONTENT_TYPE_INVALID',
              message: `Expected "Content-Type" header to be one of {'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'}.`,
            },
          ],
        }),
      )
    }
    const parsed = parseJson(ctx.record.rawBody)
    if (!parsed.ok) return withHeaders(error(400, 50109, 'The request body contains invalid JSON.'))
    const formErrors = validatePayload(parsed.value)
    if (formErrors) return withHeaders(error(400, 50035, 'Invalid Form Body', formErrors))
    const body = parsed.value as Record<string, unknown>
    if (isEmptyMessage(body)) return withHeaders(error(400, 50006, 'Cannot send an empty message'))
    const target = resolveThread(hook, body, ctx.record.query)
    if ('reply' in target) return withHeaders(target.reply)

    const channel = channelLimiter.take(hook.channelId, t)
    if (!channel.ok) return rateLimited(channel.resetAt - t, ctx.apiVersion, 'shared', headers)
    return withHeaders(createMessage(hook, ctx, body, target))
  }

  /** Edit Webhook Message: only a message this webhook posted, and one in a thread only with
   * that thread's ?thread_id= (as on Discord, anything else is an Unknown Message). */
  function editMessage(ctx: Ctx, messageId: string): Reply {
    const admitted = admit(ctx)
    if ('reply' in admitted) return admitted.reply
    const { hook, t, withHeaders } = admitted
    if (!isJsonContentType(ctx.contentType)) return withHeaders(error(400, 50035, 'Invalid Form Body'))
    const parsed = parseJson(ctx.record.rawBody)
    if (!parsed.ok) return withHeaders(error(400, 50109, 'The request body contains invalid JSON.'))
    const formErrors = validatePayload(parsed.value)
    if (formErrors) return withHeaders(error(400, 50035, 'Invalid Form Body', formErrors))
    const body = parsed.value as Record<string, unknown>
    const message = messages.find((m) => m.id === messageId && m.webhookId === hook.id && !deleted.has(m.id))
    if (!message || message.threadId !== ctx.record.query.thread_id) return withHeaders(error(404, 10008, 'Unknown Message'))
    message.body = { ...message.body, ...body }
    message.editedAt = t
    edits.push({ messageId, body, query: ctx.record.query, receivedAt: ctx.record.receivedAt })
    waiters.notify()
    return withHeaders({
      status: 200,
      json: { id: message.id, type: 0, channel_id: message.threadId ?? message.channelId, webhook_id: hook.id, ...message.body, edited_timestamp: new Date(t).toISOString() },
    })
  }

  /** Answer for a scripted, non-success response. */
  function scriptedReply(s: ScriptedResponse, ctx: Ctx): Reply {
    const status = s.status ?? 500
    if (status === 429 && s.body === undefined) {
      const r = rateLimited((s.retryAfter ?? 1) * 1000, ctx.apiVersion, s.global ? 'global' : 'user')
      return { ...r, headers: { ...r.headers, ...s.headers } }
    }
    const body = s.body === undefined ? defaultScriptedBody(status) : s.body
    return typeof body === 'string'
      ? { status, text: body, headers: s.headers }
      : { status, json: body, headers: s.headers }
  }

  /** Switches that hit every request before routing. */
  function switches(apiVersion: number): Reply | null {
    if (cloudflareBan) return { status: 429, text: 'error code: 1015', contentType: 'text/html; charset=UTF-8' }
    if (globalLimit) return rateLimited(globalLimit.retryAfterSec * 1000, apiVersion, 'global')
    return null
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = now()
    const url = new URL(req.url ?? '/', base)
    const rawBody = (await readBody(req)).toString('utf8')
    const record: MockRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      rawBody,
      status: 0,
      receivedAt,
    }
    requests.push(record)

    const m = ROUTE.exec(url.pathname)
    const edit = MESSAGE_ROUTE.exec(url.pathname)
    const apiVersion = (m ?? edit)?.[1] !== undefined ? Number((m ?? edit)![1]) : 6
    const blocked = switches(apiVersion)
    if (blocked) return send(res, record, blocked)
    if (edit && req.method === 'PATCH') {
      const editCtx: Ctx = { record, webhookId: edit[2]!, token: edit[3]!, apiVersion, contentType: req.headers['content-type'] }
      const scripted = scripts.get(editCtx.webhookId)?.shift()
      if (scripted?.dropConnection) return timers.later(scripted.delayMs ?? 0, () => req.socket.destroy())
      const reply = scripted && scripted.status !== undefined && (scripted.status < 200 || scripted.status >= 300) ? scriptedReply(scripted, editCtx) : editMessage(editCtx, edit[4]!)
      return scripted?.delayMs ? timers.later(scripted.delayMs, () => send(res, record, reply)) : send(res, record, reply)
    }
    if (!m || req.method !== 'POST' || apiVersion < 6 || apiVersion > 10) return send(res, record, notFound())

    const ctx: Ctx = { record, webhookId: m[2]!, token: m[3]!, apiVersion, contentType: req.headers['content-type'] }
    const s = scripts.get(ctx.webhookId)?.shift()
    if (!s) return send(res, record, executeWebhook(ctx))

    const delay = s.delayMs ?? 0
    if (s.dropConnection) return timers.later(delay, () => req.socket.destroy())
    const isSuccess = s.status === undefined || (s.status >= 200 && s.status < 300)
    // A delayed success is processed (and recorded) now; only the answer is late.
    const reply = isSuccess ? executeWebhook(ctx) : scriptedReply(s, ctx)
    if (isSuccess && s.headers) reply.headers = { ...reply.headers, ...s.headers }
    if (delay <= 0) return send(res, record, reply)
    timers.later(delay, () => send(res, record, reply))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ message: `mock error: ${String(err)}`, code: 0 }))
      }
    })
  })
  base = await listenLocal(server, opts.port)

  const mock: DiscordMock = {
    url: base,
    messages,
    edits,
    requests,
    deleteMessage(id) {
      deleted.add(id)
    },
    get invalidRequestCount() {
      return invalidRequestCount
    },
    get rateLimited429Count() {
      return rateLimited429Count
    },

    addWebhook(o = {}) {
      const id = o.id ?? snowflake()
      const hook: MockWebhook = {
        id,
        token: o.token ?? randomBytes(51).toString('base64url'),
        channelId: o.channelId ?? snowflake(),
        forum: o.forum ?? false,
        url: '',
      }
      hook.url = `${base}/api/webhooks/${hook.id}/${hook.token}`
      webhooks.set(id, hook)
      return { ...hook }
    },

    removeWebhook(id) {
      webhooks.delete(id)
    },

    script(webhookId, ...responses) {
      const queue = scripts.get(webhookId) ?? []
      queue.push(...responses)
      scripts.set(webhookId, queue)
    },

    setGlobalRateLimit(on, retryAfterSec = 1) {
      globalLimit = on ? { retryAfterSec } : null
    },

    setCloudflareBan(on) {
      cloudflareBan = on
    },

    reset() {
      messages.length = 0
      edits.length = 0
      deleted.clear()
      requests.length = 0
      invalidRequestCount = 0
      rateLimited429Count = 0
      scripts.clear()
      webhookLimiter.clear()
      channelLimiter.clear()
      globalLimit = null
      cloudflareBan = false
    },

    waitForMessages(n, timeoutMs = 2000) {
      return waiters.wait(n, timeoutMs)
    },

    async close() {
      timers.clearAll()
      waiters.rejectAll('discordMock closed')
      await closeServer(server)
    },
  }
  return mock
}
