// A faithful local mock of Slack incoming webhooks (plain node:http on 127.0.0.1).
// Behaviour: /work/shared/reference/destinations.md, "Slack" and "Mock behaviour for tests".
// Answers are plain text: "ok", or an error code such as "no_service" or "invalid_blocks".
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import { closeServer, createTimers, createWaiters, listenLocal, readBody } from './mockServerKit'

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

export interface SlackMockOptions {
  /** Token bucket per webhook: how many messages fit in a burst (default 25) … */
  bucketCapacity?: number
  /** … and how many tokens come back per second (default 1). */
  refillPerSecond?: number
  /** Clock (epoch ms) for the bucket and timestamps. Default Date.now. */
  now?: () => number
  /** Refuse blocks whose JSON is longer than this in total (Slack's undocumented ~13k). */
  maxBlocksJson?: number
}

/** Errors a webhook can be switched into (persist until switched off). */
export type SlackWebhookError = 'channel_not_found' | 'channel_is_archived' | 'action_prohibited' | 'invalid_token'

export interface SlackMockWebhook {
  teamId: string
  webhookId: string
  secret: string
  url: string
}

export interface SlackMockMessage {
  webhookId: string
  body: Record<string, unknown>
  receivedAt: number
}

export interface SlackMockRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  rawBody: string
  webhookId?: string
  /** HTTP status answered; 0 while still pending (delayed) or when the connection was dropped. */
  status: number
  /** The plain-text body answered. */
  answer: string
  /** Why the mock refused it (which limit), for test failure messages. */
  reason?: string
  receivedAt: number
}

export interface SlackScriptedResponse {
  /** 200 (or omitted) = process normally (message recorded), only delayed by delayMs. */
  status?: number
  /** Replace the default plain-text body of a non-200 status. */
  body?: string
  headers?: Record<string, string>
  /** Wait this long (real time) before answering / dropping. */
  delayMs?: number
  /** Destroy the socket without answering. */
  dropConnection?: boolean
}

export interface SlackMock {
  url: string
  messages: SlackMockMessage[]
  requests: SlackMockRequest[]
  readonly rateLimited429Count: number
  addWebhook(opts?: { teamId?: string; webhookId?: string; secret?: string }): SlackMockWebhook
  /** The webhook is deleted (or its app uninstalled): 404 no_service from now on. */
  removeWebhook(webhookId: string): void
  /** Answer every request to this webhook with the given error (null = healthy again). */
  breakWebhook(webhookId: string, error: SlackWebhookError | null): void
  /** One-shot responses, used in order before normal processing. */
  script(webhookId: string, ...responses: SlackScriptedResponse[]): void
  reset(): void
  waitForMessages(n: number, timeoutMs?: number): Promise<SlackMockMessage[]>
  close(): Promise<void>
}

// ---------------------------------------------------------------------------
// Block Kit checks (what Slack refuses with invalid_blocks)
// ---------------------------------------------------------------------------

export const MOCK_LIMITS = {
  blocks: 50,
  blockId: 255,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  text: 3000,
  attachments: 100,
  blocksJson: 13_000,
} as const

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function textProblem(o: unknown, where: string, max: number, plainOnly = false): string | null {
  if (!isObject(o)) return `${where}: not a text object`
  if (o.type !== 'plain_text' && (plainOnly || o.type !== 'mrkdwn')) return `${where}: type must be ${plainOnly ? 'plain_text' : 'plain_text or mrkdwn'}`
  if (typeof o.text !== 'string' || o.text.length < 1) return `${where}: text must not be empty`
  if (o.text.length > max) return `${where}: text longer than ${max} (${o.text.length})`
  if (o.type === 'plain_text' && 'verbatim' in o) return `${where}: verbatim is only for mrkdwn`
  return null
}

function blockProblem(block: unknown, i: number): string | null {
  const at = `blocks[${i}]`
  if (!isObject(block) || typeof block.type !== 'string') return `${at}: not a block`
  switch (block.type) {
    case 'header':
      return textProblem(block.text, `${at}.text`, MOCK_LIMITS.headerText, true)
    case 'section': {
      if (block.text === undefined && block.fields === undefined) return `${at}: needs text or fields`
      if (block.text !== undefined) {
        const p = textProblem(block.text, `${at}.text`, MOCK_LIMITS.sectionText)
        if (p) return p
      }
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length < 1) return `${at}.fields: must be a non-empty array`
        if (block.fields.length > MOCK_LIMITS.fields) return `${at}.fields: more than ${MOCK_LIMITS.fields}`
        for (const [j, f] of block.fields.entries()) {
          const p = textProblem(f, `${at}.fields[${j}]`, MOCK_LIMITS.fieldText)
          if (p) return p
        }
      }
      return null
    }
    case 'context': {
      const elements = block.elements
      if (!Array.isArray(elements) || elements.length < 1) return `${at}.elements: must be a non-empty array`
      if (elements.length > MOCK_LIMITS.contextElements) return `${at}.elements: more than ${MOCK_LIMITS.contextElements}`
      for (const [j, e] of elements.entries()) {
        if (isObject(e) && e.type === 'image') {
          if (typeof e.image_url !== 'string' || typeof e.alt_text !== 'string') return `${at}.elements[${j}]: bad image`
          continue
        }
        const p = textProblem(e, `${at}.elements[${j}]`, MOCK_LIMITS.text)
        if (p) return p
      }
      return null
    }
    case 'actions': {
      const elements = block.elements
      if (!Array.isArray(elements) || elements.length < 1) return `${at}.elements: must be a non-empty array`
      if (elements.length > MOCK_LIMITS.actionsElements) return `${at}.elements: more than ${MOCK_LIMITS.actionsElements}`
      for (const [j, e] of elements.entries()) {
        if (!isObject(e) || e.type !== 'button') return `${at}.elements[${j}]: only buttons are supported by this mock`
        const p = textProblem(e.text, `${at}.elements[${j}].text`, MOCK_LIMITS.buttonText, true)
        if (p) return p
        if (e.url !== undefined && (typeof e.url !== 'string' || e.url.length > 3000)) return `${at}.elements[${j}].url: bad url`
      }
      return null
    }
    case 'divider':
      return null
    case 'image':
      if (typeof block.image_url !== 'string' || !/^https?:\/\//.test(block.image_url) || block.image_url.length > 3000) return `${at}.image_url: bad url`
      if (typeof block.alt_text !== 'string' || block.alt_text.length > 2000) return `${at}.alt_text: must be a string of at most 2000`
      return block.title === undefined ? null : textProblem(block.title, `${at}.title`, 2000, true)
    default:
      return `${at}: unsupported block type ${JSON.stringify(block.type).slice(0, 40)}`
  }
}

/** Why Slack would refuse these blocks, or null. */
export function blocksProblem(blocks: unknown, maxJson: number = MOCK_LIMITS.blocksJson): string | null {
  if (!Array.isArray(blocks)) return 'blocks: must be an array'
  if (blocks.length > MOCK_LIMITS.blocks) return `blocks: more than ${MOCK_LIMITS.blocks} (${blocks.length})`
  const json = JSON.stringify(blocks).length
  if (json > maxJson) return `blocks: ${json} characters in total, more than ${maxJson}`
  const ids = new Set<string>()
  for (const [i, block] of blocks.entries()) {
    const problem = blockProblem(block, i)
    if (problem) return problem
    const id = (block as Record<string, unknown>).block_id
    if (id === undefined) continue
    if (typeof id !== 'string' || id.length < 1 || id.length > MOCK_LIMITS.blockId) return `blocks[${i}].block_id: 1..${MOCK_LIMITS.blockId} characters`
    if (ids.has(id)) return `blocks[${i}].block_id: duplicate ${id}`
    ids.add(id)
  }
  return null
}

// ---------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------

interface Reply {
  status: number
  text: string
  headers?: Record<string, string>
  reason?: string
}

const ROUTE = /^\/services\/([^/]+)\/([^/]+)\/([^/]+)\/?$/

const ERROR_STATUS: Record<string, number> = {
  invalid_payload: 400,
  no_text: 400,
  invalid_blocks: 400,
  too_many_attachments: 400,
  action_prohibited: 403,
  invalid_token: 403,
  channel_not_found: 404,
  no_service: 404,
  channel_is_archived: 410,
  rate_limited: 429,
  rollup_error: 500,
}

const fail = (code: string, reason?: string): Reply => ({ status: ERROR_STATUS[code] ?? 400, text: code, reason })

function defaultScriptedBody(status: number): string {
  const code = Object.entries(ERROR_STATUS).find(([, s]) => s === status)?.[0]
  return code ?? `HTTP ${status}`
}

/** What Slack checks in a message, in its order; null = fine. */
function messageProblem(raw: string, maxBlocksJson: number): { reply: Reply } | { body: Record<string, unknown> } {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return { reply: fail('invalid_payload', 'body is not JSON') }
  }
  if (!isObject(value)) return { reply: fail('invalid_payload', 'body is not a JSON object') }
  if (value.text !== undefined && typeof value.text !== 'string') return { reply: fail('invalid_payload', 'text must be a string') }
  const hasText = typeof value.text === 'string' && value.text.trim() !== ''
  const hasBlocks = Array.isArray(value.blocks) && value.blocks.length > 0
  if (!hasText && !hasBlocks) return { reply: fail('no_text', 'neither text nor blocks') }
  if (Array.isArray(value.attachments) && value.attachments.length > MOCK_LIMITS.attachments) {
    return { reply: fail('too_many_attachments') }
  }
  if (value.blocks !== undefined) {
    const problem = blocksProblem(value.blocks, maxBlocksJson)
    if (problem) return { reply: fail('invalid_blocks', problem) }
  }
  return { body: value }
}

// ---------------------------------------------------------------------------
// The mock
// ---------------------------------------------------------------------------

const slackId = (prefix: string) => prefix + randomBytes(6).toString('hex').toUpperCase().slice(0, 10)

export async function startSlackMock(opts: SlackMockOptions = {}): Promise<SlackMock> {
  const now = opts.now ?? Date.now
  const capacity = opts.bucketCapacity ?? 25
  const refillPerSecond = opts.refillPerSecond ?? 1
  const maxBlocksJson = opts.maxBlocksJson ?? MOCK_LIMITS.blocksJson

  const webhooks = new Map<string, SlackMockWebhook>()
  const broken = new Map<string, SlackWebhookError>()
  const scripts = new Map<string, SlackScriptedResponse[]>()
  const buckets = new Map<string, { tokens: number; at: number }>()
  const messages: SlackMockMessage[] = []
  const requests: SlackMockRequest[] = []
  const waiters = createWaiters('slackMock.waitForMessages', messages)
  const timers = createTimers()
  let rateLimited429Count = 0
  let base = ''

  /** Take a token from this webhook's bucket; false when it is empty. */
  function takeToken(webhookId: string): boolean {
    const t = now()
    const bucket = buckets.get(webhookId) ?? { tokens: capacity, at: t }
    const tokens = Math.min(capacity, bucket.tokens + (Math.max(0, t - bucket.at) / 1000) * refillPerSecond)
    const ok = tokens >= 1
    buckets.set(webhookId, { tokens: ok ? tokens - 1 : tokens, at: t })
    return ok
  }

  function send(res: ServerResponse, record: SlackMockRequest, r: Reply): void {
    record.status = r.status
    record.answer = r.text
    if (r.reason) record.reason = r.reason
    if (r.status === 429) rateLimited429Count++
    if (res.destroyed || res.writableEnded) return
    res.writeHead(r.status, { 'Content-Type': 'text/plain; charset=utf-8', ...r.headers })
    res.end(r.text)
  }

  function pushMessage(m: SlackMockMessage): void {
    messages.push(m)
    waiters.notify()
  }

  /** Normal processing of a request to a known webhook. */
  function post(hook: SlackMockWebhook, record: SlackMockRequest): Reply {
    const error = broken.get(hook.webhookId)
    if (error) return fail(error)
    if (!takeToken(hook.webhookId)) return { status: 429, text: 'rate_limited', headers: { 'Retry-After': '1' } }
    const checked = messageProblem(record.rawBody, maxBlocksJson)
    if ('reply' in checked) return checked.reply
    pushMessage({ webhookId: hook.webhookId, body: checked.body, receivedAt: record.receivedAt })
    return { status: 200, text: 'ok' }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = now()
    const path = new URL(req.url ?? '/', base).pathname
    const rawBody = (await readBody(req)).toString('utf8')
    const record: SlackMockRequest = { method: req.method ?? 'GET', path, headers: req.headers, rawBody, status: 0, answer: '', receivedAt }
    requests.push(record)

    const m = ROUTE.exec(path)
    const hook = m ? webhooks.get(m[2]!) : undefined
    if (!m || req.method !== 'POST' || !hook || hook.teamId !== m[1] || hook.secret !== m[3]) {
      return send(res, record, fail('no_service', 'unknown webhook'))
    }
    record.webhookId = hook.webhookId
    const s = scripts.get(hook.webhookId)?.shift()
    if (!s) return send(res, record, post(hook, record))

    const delay = s.delayMs ?? 0
    if (s.dropConnection) return timers.later(delay, () => req.socket.destroy())
    const isSuccess = s.status === undefined || s.status === 200
    // A delayed success is processed (and recorded) now; only the answer is late.
    const reply: Reply = isSuccess
      ? post(hook, record)
      : {
          status: s.status!,
          text: s.body ?? defaultScriptedBody(s.status!),
          headers: s.status === 429 ? { 'Retry-After': '1', ...s.headers } : s.headers,
          reason: 'scripted',
        }
    if (isSuccess && s.headers) reply.headers = { ...reply.headers, ...s.headers }
    if (delay <= 0) return send(res, record, reply)
    timers.later(delay, () => send(res, record, reply))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain' })
        res.end(`mock error: ${String(err)}`)
      }
    })
  })
  base = await listenLocal(server)

  const mock: SlackMock = {
    url: base,
    messages,
    requests,
    get rateLimited429Count() {
      return rateLimited429Count
    },

    addWebhook(o = {}) {
      const hook: SlackMockWebhook = {
        teamId: o.teamId ?? slackId('T'),
        webhookId: o.webhookId ?? slackId('B'),
        secret: o.secret ?? randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 24),
        url: '',
      }
      hook.url = `${base}/services/${hook.teamId}/${hook.webhookId}/${hook.secret}`
      webhooks.set(hook.webhookId, hook)
      return { ...hook }
    },

    removeWebhook(webhookId) {
      webhooks.delete(webhookId)
    },

    breakWebhook(webhookId, error) {
      if (error) broken.set(webhookId, error)
      else broken.delete(webhookId)
    },

    script(webhookId, ...responses) {
      const queue = scripts.get(webhookId) ?? []
      queue.push(...responses)
      scripts.set(webhookId, queue)
    },

    reset() {
      messages.length = 0
      requests.length = 0
      rateLimited429Count = 0
      scripts.clear()
      buckets.clear()
      broken.clear()
    },

    waitForMessages(n, timeoutMs = 2000) {
      return waiters.wait(n, timeoutMs)
    },

    async close() {
      timers.clearAll()
      waiters.rejectAll('slackMock closed')
      await closeServer(server)
    },
  }
  return mock
}
