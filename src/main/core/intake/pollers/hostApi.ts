// Reads one JSON document from the host app (GET with its API key) and says in plain words
// what went wrong when it can't: unreachable (our network or the host is down: back off and
// try again), refused (a wrong key or address: someone must fix the settings) or a bad answer
// (HTML from a captive portal, a 500 page, JSON of the wrong shape). Messages are built from
// status codes and error codes, never from the request: the API key never appears in them.
import { request, type Dispatcher } from 'undici'
import { describeSendError, USER_AGENT } from '../../channels/outbound/postJson'
import { redactText } from '../../log/redact'
import { oneLine } from '../../text/cleanText'
import { truncateChars } from '../../text/truncate'

/** A machine list of a few hundred machines is ~200 KB; anything much larger isn't it. */
const MAX_HOST_BODY_BYTES = 5 * 1024 * 1024

export type HostFailureKind = 'unreachable' | 'refused' | 'bad_response'

export type HostAnswer = { ok: true; json: unknown } | { ok: false; kind: HostFailureKind; message: string }

export interface HostRequestContext {
  dispatcher: Dispatcher
  timeoutMs: number
}

export async function getHostJson(url: URL, apiKey: string, ctx: HostRequestContext): Promise<HostAnswer> {
  const where = `${url.host}${url.pathname}`
  let res: Dispatcher.ResponseData
  try {
    // undici's request() never follows redirects: a 3xx comes back as is.
    res = await request(url, {
      method: 'GET',
      dispatcher: ctx.dispatcher,
      headers: { accept: 'application/json', authorization: `Bearer ${apiKey}`, 'user-agent': USER_AGENT },
      headersTimeout: ctx.timeoutMs,
      bodyTimeout: ctx.timeoutMs,
      signal: AbortSignal.timeout(ctx.timeoutMs * 2),
    })
  } catch (error) {
    return { ok: false, kind: 'unreachable', message: `Could not reach ${url.host}: ${describeSendError(error).message}` }
  }
  let body: string
  try {
    body = await readCapped(res.body, MAX_HOST_BODY_BYTES)
  } catch (error) {
    const tooLarge = (error as Error).message === TOO_LARGE
    return tooLarge
      ? { ok: false, kind: 'bad_response', message: `${where} answered with more than ${MAX_HOST_BODY_BYTES / 1024 / 1024} MB: not what Knocker asked for` }
      : { ok: false, kind: 'unreachable', message: `${url.host} stopped answering midway: ${describeSendError(error).message}` }
  }
  const status = res.statusCode
  const type = String(res.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
  const hostSays = hostErrorText(body, apiKey)
  if (status === 401 || status === 403) {
    return { ok: false, kind: 'refused', message: `${url.host} refused the API key (HTTP ${status}${hostSays})` }
  }
  if (status === 404) {
    return { ok: false, kind: 'refused', message: `${where} does not exist (HTTP 404): check the address; is this the right host app?` }
  }
  if (status >= 300 && status < 400) {
    return { ok: false, kind: 'refused', message: `${where} redirects elsewhere (HTTP ${status}); enter the address it redirects to` }
  }
  if (status === 429 || status >= 500) {
    return { ok: false, kind: 'unreachable', message: `${url.host} is having trouble (HTTP ${status}${hostSays})` }
  }
  if (status !== 200) return { ok: false, kind: 'bad_response', message: `${where} answered HTTP ${status}${hostSays}` }
  if (type === 'text/html' || /^\s*<(!doctype|html)/i.test(body)) {
    return { ok: false, kind: 'bad_response', message: `${where} answered with a web page, not JSON (a login or captive portal page?)` }
  }
  try {
    return { ok: true, json: JSON.parse(body) }
  } catch {
    return { ok: false, kind: 'bad_response', message: `${where} answered with something that is not JSON` }
  }
}

const TOO_LARGE = 'too large'

async function readCapped(stream: AsyncIterable<Buffer>, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    size += chunk.length
    if (size > maxBytes) throw new Error(TOO_LARGE) // leaving the loop closes the connection
    chunks.push(chunk)
  }
  return new TextDecoder().decode(Buffer.concat(chunks))
}

/** Flipfix answers errors as {"success": false, "error": "…"}: worth repeating, briefly. */
function hostErrorText(body: string, apiKey: string): string {
  let text = ''
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown }
    const said = typeof parsed?.error === 'string' ? parsed.error : typeof parsed?.message === 'string' ? parsed.message : ''
    text = said
  } catch {
    return ''
  }
  const clean = truncateChars(oneLine(redactText(text.split(apiKey).join('[redacted]'))), 160)
  return clean ? `: "${clean}"` : ''
}
