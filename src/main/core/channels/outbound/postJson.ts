// POSTs a JSON body with undici (keep-alive dispatcher, timeouts, no redirects) and turns
// the answer or the error into a SendResult. Error messages are built from error codes,
// never from error messages, which can quote the (secret) URL.
import { performance } from 'node:perf_hooks'
import { request } from 'undici'
import { redactText } from '../../log/redact'
import { cutChars } from '../../text/truncate'
import type { ResponseSnapshot, SendContext, SendResult } from '../types'

export const USER_AGENT = 'Knocker/0.1 (+notification relay)'
const STORED_BODY_CHARS = 4096

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'TimeoutError'])
const ERROR_TEXT: Record<string, string> = {
  UND_ERR_HEADERS_TIMEOUT: 'no response in time',
  UND_ERR_BODY_TIMEOUT: 'the response stalled',
  UND_ERR_CONNECT_TIMEOUT: 'could not connect in time',
  ETIMEDOUT: 'connection timed out',
  TimeoutError: 'the request took too long',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  UND_ERR_CLOSED: 'the HTTP client was closed',
  UND_ERR_DESTROYED: 'the HTTP client was closed',
  PRIVATE_ADDRESS: 'the host resolves to a private address; enable "allow private targets" to send there',
}

/** The error's code (or class name), never its message. */
function errorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; cause?: { code?: unknown }; errors?: Array<{ code?: unknown }> }
  const candidates = [e?.code, e?.cause?.code, e?.errors?.[0]?.code, e?.name]
  const code = candidates.find((c): c is string => typeof c === 'string' && /^[A-Za-z0-9_]{1,60}$/.test(c))
  return code ?? 'Error'
}

/** Map a thrown request error to the engine's network/timeout classes, with a safe message. */
export function describeSendError(err: unknown): { errorClass: 'network' | 'timeout'; code: string; message: string } {
  const code = errorCode(err)
  const errorClass = TIMEOUT_CODES.has(code) || /Timeout/.test(code) ? 'timeout' : 'network'
  const text = ERROR_TEXT[code] ?? (errorClass === 'timeout' ? 'timed out' : 'request failed')
  return { errorClass, code, message: redactText(`${code}: ${text}`) }
}

async function readCapped(body: AsyncIterable<Buffer>, maxChars: number): Promise<string> {
  const decoder = new TextDecoder()
  let text = ''
  for await (const chunk of body) {
    text += decoder.decode(chunk, { stream: true })
    // Leaving the loop destroys the stream: a huge body is not worth reading.
    if (text.length >= maxChars) break
  }
  text += decoder.decode()
  return cutChars(text, maxChars)
}

function plainHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

export async function postJson(
  url: string,
  body: unknown,
  ctx: SendContext,
  headers: Record<string, string> = {},
  method: 'POST' | 'PATCH' = 'POST',
): Promise<SendResult> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  try {
    // undici's request() never follows redirects: a 3xx comes back as is.
    const res = await request(url, {
      method,
      dispatcher: ctx.dispatcher,
      headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headersTimeout: ctx.timeoutMs,
      bodyTimeout: ctx.timeoutMs,
      // A body that trickles in just under bodyTimeout must not hold the attempt forever.
      signal: AbortSignal.timeout(ctx.timeoutMs * 2),
    })
    const text = await readCapped(res.body, STORED_BODY_CHARS)
    const response: ResponseSnapshot = { status: res.statusCode, headers: plainHeaders(res.headers), body: text }
    return { ok: true, response, durationMs: elapsed() }
  } catch (err) {
    return { ok: false, ...describeSendError(err), durationMs: elapsed() }
  }
}
