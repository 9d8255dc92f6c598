// A faithful local mock of a Teams "Workflows" webhook trigger (Power Automate / Logic Apps
// manual trigger), plain node:http on 127.0.0.1. Behaviour: /work/shared/reference/destinations.md,
// "Microsoft Teams" and "Mock behaviour for tests".
//
// Like the real service it answers 202 with an empty body AT ONCE and only then runs the
// flow: the card is validated asynchronously into a run history (succeeded / failed with a
// reason) that tests read, because a 202 proves nothing about the card.
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import { closeServer, createTimers, createWaiters, listenLocal, readBody } from './mockServerKit'

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

export interface TeamsMockOptions {
  /** Largest request body a run accepts, in bytes. Default 28 KiB (28,672). */
  maxBytes?: number
  /** Highest AdaptiveCard version the "Post card" action renders. Default "1.4". */
  maxCardVersion?: string
  /** How long a run takes after the 202 went out (real ms). Default 0 (next tick). */
  runDelayMs?: number
  /** Clock (epoch ms) for records. Default Date.now. */
  now?: () => number
}

export interface MockWorkflow {
  id: string
  sig: string
  enabled: boolean
  /** The URL to paste: a Logic Apps style path, or the Power Platform "direct" one. */
  url: string
}

export interface TeamsMockRequest {
  method: string
  path: string
  query: Record<string, string>
  headers: IncomingHttpHeaders
  rawBody: string
  bytes: number
  /** HTTP status answered; 0 while pending (delayed) or when the connection was dropped. */
  status: number
  receivedAt: number
  /** When the answer went out (undefined while pending or dropped). */
  answeredAt?: number
}

export interface WorkflowRun {
  /** Also sent back as x-ms-workflow-run-id. */
  id: string
  workflowId: string
  status: 'succeeded' | 'failed'
  /** Why the run failed (what the flow's "Post card" step would report). */
  reason?: string
  /** The parsed request body (the whole message). */
  message?: Record<string, any>
  /** The first attachment's AdaptiveCard, as posted to the channel. */
  card?: Record<string, any>
  /** Preview texts as a phone would get them. */
  preview?: { summary?: string; text?: string; fallbackText?: string; speak?: string }
  bytes: number
  receivedAt: number
  finishedAt: number
}

export interface TeamsScript {
  /** 2xx (or omitted) = run normally, only the answer is delayed by delayMs. */
  status?: number
  /** Workflows error code for a non-2xx status (default: one that fits the status). */
  code?: string
  message?: string
  /** For 429 (and 5xx if given): Retry-After in seconds. 429 defaults to 1. */
  retryAfter?: number
  /** Replace the default JSON error body (object → JSON, string → text/plain). */
  body?: unknown
  headers?: Record<string, string>
  /** Wait this long (real time) before answering / dropping. */
  delayMs?: number
  /** Destroy the socket without answering (no run starts). */
  dropConnection?: boolean
}

export interface TeamsMock {
  url: string
  addWorkflow(opts?: { id?: string; sig?: string; enabled?: boolean; style?: 'logic' | 'powerplatform' }): MockWorkflow
  removeWorkflow(id: string): void
  setEnabled(id: string, enabled: boolean): void
  script(workflowId: string, ...responses: TeamsScript[]): void
  requests: TeamsMockRequest[]
  runs: WorkflowRun[]
  runsOf(workflowId: string): WorkflowRun[]
  /** Resolves once at least n runs (of any workflow) have finished. */
  waitForRuns(n: number, timeoutMs?: number): Promise<WorkflowRun[]>
  reset(): void
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
}

const ROUTE = /^(?:\/powerautomate\/automations\/direct)?\/workflows\/([^/]+)\/triggers\/([^/]+)\/paths\/invoke\/?$/
const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive'

const workflowsError = (status: number, code: string, message: string, headers?: Record<string, string>): Reply => ({
  status,
  json: { error: { code, message } },
  ...(headers && { headers }),
})

const DEFAULT_ERRORS: Record<number, [string, string]> = {
  400: ['TriggerInputSchemaMismatch', "The input body for trigger 'manual' of type 'Request' did not match its schema definition."],
  401: ['DirectApiInvalidAuthorizationSignature', 'The provided authorization signature is not valid.'],
  403: ['AuthorizationFailed', 'The client is not authorized to trigger this workflow.'],
  404: ['WorkflowNotFound', 'The workflow could not be found.'],
  429: ['WorkflowRequestsThrottled', 'Number of requests exceeded the limit for this workflow. Try again later.'],
  500: ['InternalServerError', 'Encountered an internal server error.'],
  502: ['BadGateway', 'The service is temporarily unavailable.'],
  503: ['ServiceUnavailable', 'The service is temporarily unavailable.'],
  504: ['GatewayTimeout', 'The gateway did not receive a response in time.'],
}

/** "08584…CU12", shaped like Logic Apps run ids. */
function runId(): string {
  const digits = BigInt('0x' + randomBytes(8).toString('hex')).toString().padStart(20, '0').slice(0, 20)
  return `08584${digits}CU${String(randomBytes(1)[0]! % 100).padStart(2, '0')}`
}

// ---------------------------------------------------------------------------
// What the flow's "Post card in a chat or channel" step checks
// ---------------------------------------------------------------------------

type Json = Record<string, any>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const isString = (v: unknown): v is string => typeof v === 'string'

function checkElement(el: unknown, path: string): string | null {
  if (!isObject(el) || !isString(el.type)) return `${path}: an element needs a "type"`
  switch (el.type) {
    case 'TextBlock':
      return isString(el.text) ? null : `${path}: TextBlock needs a "text" string`
    case 'FactSet':
      if (!Array.isArray(el.facts) || el.facts.length === 0) return `${path}: FactSet needs "facts"`
      for (const [i, f] of el.facts.entries()) {
        if (!isObject(f) || !isString(f.title) || !isString(f.value)) return `${path}.facts[${i}]: a fact needs "title" and "value" strings`
      }
      return null
    case 'Container':
      return Array.isArray(el.items) ? checkElements(el.items, `${path}.items`) : `${path}: Container needs "items"`
    default:
      return null
  }
}

function checkElements(items: unknown[], path: string): string | null {
  for (const [i, el] of items.entries()) {
    const problem = checkElement(el, `${path}[${i}]`)
    if (problem) return problem
  }
  return null
}

function checkAction(action: unknown, path: string): string | null {
  if (!isObject(action) || !isString(action.type)) return `${path}: an action needs a "type"`
  if (action.type === 'Action.OpenUrl' && !(isString(action.url) && /^https?:\/\//.test(action.url))) {
    return `${path}: Action.OpenUrl needs an absolute "url"`
  }
  return null
}

/** Version "1.4" → 1004, "1.10" → 1010, so versions compare as numbers; unparsable → NaN. */
function versionNumber(v: unknown): number {
  if (!isString(v) || !/^\d+\.\d+$/.test(v)) return NaN
  const [major, minor] = v.split('.').map(Number)
  return major! * 1000 + minor!
}

/** Why the run fails, or null when the card would be posted. */
function validateMessage(raw: Buffer, opts: Required<Pick<TeamsMockOptions, 'maxBytes' | 'maxCardVersion'>>): { reason: string | null; message?: Json; card?: Json } {
  let message: unknown
  try {
    message = JSON.parse(raw.toString('utf8'))
  } catch {
    return { reason: 'the request body is not JSON' }
  }
  if (!isObject(message)) return { reason: 'the request body is not a JSON object' }
  if (raw.length > opts.maxBytes) return { reason: `the message is ${raw.length} bytes; Teams accepts at most ${opts.maxBytes}`, message }
  if (message.type !== 'message') return { reason: 'type must be "message"', message }
  if (!Array.isArray(message.attachments) || message.attachments.length === 0) return { reason: 'attachments is missing or empty', message }
  const [first] = message.attachments
  for (const [i, attachment] of message.attachments.entries()) {
    if (!isObject(attachment)) return { reason: `attachments[${i}] is not an object`, message }
    if (attachment.contentType !== CARD_CONTENT_TYPE) {
      return { reason: `attachments[${i}].contentType must be "${CARD_CONTENT_TYPE}" (MessageCard is retired)`, message }
    }
    const card = attachment.content
    if (!isObject(card) || card.type !== 'AdaptiveCard') return { reason: `attachments[${i}].content is not an AdaptiveCard`, message }
    const version = versionNumber(card.version)
    if (Number.isNaN(version)) return { reason: `attachments[${i}].content.version is missing or invalid`, message, card }
    if (version > versionNumber(opts.maxCardVersion)) {
      return { reason: `AdaptiveCard version ${card.version} is not supported (at most ${opts.maxCardVersion})`, message, card }
    }
    if (!Array.isArray(card.body) || card.body.length === 0) return { reason: `attachments[${i}].content.body is empty`, message, card }
    const problem =
      checkElements(card.body, `attachments[${i}].content.body`) ??
      (Array.isArray(card.actions) ? card.actions.map((a, j) => checkAction(a, `attachments[${i}].content.actions[${j}]`)).find(Boolean) ?? null : null)
    if (problem) return { reason: problem, message, card }
  }
  return { reason: null, message, card: (first as Json).content as Json }
}

// ---------------------------------------------------------------------------
// The mock
// ---------------------------------------------------------------------------

export async function startTeamsMock(opts: TeamsMockOptions = {}): Promise<TeamsMock> {
  const now = opts.now ?? Date.now
  const limits = { maxBytes: opts.maxBytes ?? 28 * 1024, maxCardVersion: opts.maxCardVersion ?? '1.4' }
  const workflows = new Map<string, MockWorkflow>()
  const scripts = new Map<string, TeamsScript[]>()
  const requests: TeamsMockRequest[] = []
  const runs: WorkflowRun[] = []
  const waiters = createWaiters('teamsMock.waitForRuns', runs)
  const timers = createTimers()
  let base = ''

  function send(res: ServerResponse, record: TeamsMockRequest, r: Reply): void {
    record.status = r.status
    if (res.destroyed || res.writableEnded) return
    record.answeredAt = now()
    const headers: Record<string, string> = { 'x-ms-correlation-id': randomBytes(16).toString('hex'), ...r.headers }
    let body = ''
    if (r.json !== undefined) {
      body = JSON.stringify(r.json)
      headers['Content-Type'] = 'application/json; charset=utf-8'
    } else if (r.text !== undefined) {
      body = r.text
      headers['Content-Type'] = 'text/plain; charset=utf-8'
    }
    headers['Content-Length'] = String(Buffer.byteLength(body))
    res.writeHead(r.status, headers)
    res.end(body)
  }

  function finishRun(run: WorkflowRun): void {
    runs.push(run)
    waiters.notify()
  }

  /** Queue the run: 202 now; the flow (validation) runs when the answer has gone out, or at
   * once when the answer is scripted to be late. */
  function startRun(hook: MockWorkflow, raw: Buffer, record: TeamsMockRequest, res: ServerResponse, answerLate: boolean): Reply {
    const id = runId()
    const run = () => {
      const { reason, message, card } = validateMessage(raw, limits)
      const preview = message
        ? {
            ...(isString(message.summary) && { summary: message.summary }),
            ...(isString(message.text) && { text: message.text }),
            ...(isString(card?.fallbackText) && { fallbackText: card!.fallbackText as string }),
            ...(isString(card?.speak) && { speak: card!.speak as string }),
          }
        : undefined
      finishRun({
        id,
        workflowId: hook.id,
        status: reason ? 'failed' : 'succeeded',
        ...(reason && { reason }),
        ...(message && { message }),
        ...(card && { card }),
        ...(preview && { preview }),
        bytes: raw.length,
        receivedAt: record.receivedAt,
        finishedAt: now(),
      })
    }
    if (answerLate) setImmediate(run)
    else res.once('finish', () => timers.later(opts.runDelayMs ?? 0, run))
    return { status: 202, headers: { 'x-ms-workflow-run-id': id } }
  }

  function scriptedReply(s: TeamsScript): Reply {
    const status = s.status ?? 500
    const headers: Record<string, string> = { ...s.headers }
    const retryAfter = s.retryAfter ?? (status === 429 ? 1 : undefined)
    if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter)
    if (s.body !== undefined) return typeof s.body === 'string' ? { status, text: s.body, headers } : { status, json: s.body, headers }
    const [code, message] = DEFAULT_ERRORS[status] ?? ['Error', `HTTP ${status}`]
    return workflowsError(status, s.code ?? code, s.message ?? message, headers)
  }

  /** The trigger's own checks, in the service's order. */
  function invoke(workflowId: string, query: URLSearchParams): Reply | MockWorkflow {
    const sig = query.get('sig')
    if (!sig) return workflowsError(401, 'DirectApiAuthorizationRequired', 'The request must be authenticated: the sig query parameter is missing.')
    const hook = workflows.get(workflowId)
    if (!hook) return workflowsError(404, 'WorkflowNotFound', `The workflow '${workflowId}' could not be found.`)
    if (sig !== hook.sig) return workflowsError(401, 'DirectApiInvalidAuthorizationSignature', 'The provided authorization signature is not valid.')
    if (!query.get('api-version')) return workflowsError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.")
    if (!hook.enabled) return workflowsError(400, 'WorkflowTriggerIsNotEnabled', `The workflow '${workflowId}' trigger 'manual' is not enabled.`)
    return hook
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base)
    const raw = await readBody(req)
    const record: TeamsMockRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      rawBody: raw.toString('utf8'),
      bytes: raw.length,
      status: 0,
      receivedAt: now(),
    }
    requests.push(record)

    const m = ROUTE.exec(url.pathname)
    if (!m) return send(res, record, workflowsError(404, 'NotFound', 'The requested resource was not found.'))
    if (req.method !== 'POST') return send(res, record, workflowsError(405, 'TriggerRequestMethodNotValid', "The HTTP method for this request is not valid: expected 'POST'."))
    const checked = invoke(m[1]!, url.searchParams)
    if (!('sig' in checked)) return send(res, record, checked)
    const hook = checked

    const s = scripts.get(hook.id)?.shift()
    if (!s) return send(res, record, startRun(hook, raw, record, res, false))
    const delay = s.delayMs ?? 0
    if (s.dropConnection) return timers.later(delay, () => req.socket.destroy())
    const isSuccess = s.status === undefined || (s.status >= 200 && s.status < 300)
    // A delayed success runs the flow now; only the answer is late (a client timeout then
    // retries, and the flow runs twice: Workflows has no idempotency key).
    const reply = isSuccess ? startRun(hook, raw, record, res, delay > 0) : scriptedReply(s)
    if (isSuccess && s.headers) reply.headers = { ...reply.headers, ...s.headers }
    if (delay <= 0) return send(res, record, reply)
    timers.later(delay, () => send(res, record, reply))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ error: { code: 'InternalServerError', message: `mock error: ${String(err)}` } }))
      }
    })
  })
  base = await listenLocal(server)

  const mock: TeamsMock = {
    url: base,
    requests,
    runs,

    addWorkflow(o = {}) {
      const id = o.id ?? randomBytes(16).toString('hex')
      const sig = o.sig ?? randomBytes(32).toString('base64url')
      const query = `api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${sig}`
      const path =
        o.style === 'powerplatform'
          ? `/powerautomate/automations/direct/workflows/${id}/triggers/manual/paths/invoke`
          : `/workflows/${id}/triggers/manual/paths/invoke`
      const hook: MockWorkflow = { id, sig, enabled: o.enabled ?? true, url: `${base}${path}?${query}` }
      workflows.set(id, hook)
      return { ...hook }
    },

    removeWorkflow(id) {
      workflows.delete(id)
    },

    setEnabled(id, enabled) {
      const hook = workflows.get(id)
      if (!hook) throw new Error(`teamsMock: no workflow ${id}`)
      hook.enabled = enabled
    },

    script(workflowId, ...responses) {
      const queue = scripts.get(workflowId) ?? []
      queue.push(...responses)
      scripts.set(workflowId, queue)
    },

    runsOf(workflowId) {
      return runs.filter((r) => r.workflowId === workflowId)
    },

    waitForRuns(n, timeoutMs = 2000) {
      return waiters.wait(n, timeoutMs)
    },

    reset() {
      requests.length = 0
      runs.length = 0
      scripts.clear()
    },

    async close() {
      timers.clearAll()
      waiters.rejectAll('teamsMock closed')
      await closeServer(server)
    },
  }
  return mock
}
