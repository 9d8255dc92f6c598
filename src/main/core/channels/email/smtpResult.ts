// Turns what nodemailer reports (a sent-message info or an error) into the engine's
// SendResult. An SMTP reply becomes a "response" with the reply code as status, the reply's
// parts typed alongside (for classify) and written out as a short text body (for the
// history); an error without a reply (connection, DNS, TLS handshake, timeout) becomes
// ok:false with its code. Texts are scrubbed of the SMTP password before they leave here.
import { oneLine } from '../../text/cleanText'
import { truncateChars } from '../../text/truncate'
import type { SendResult, SmtpReply } from '../types'

/** The parts of a nodemailer error or info we read (typed loosely: errors are `unknown`). */
interface SmtpErrorLike {
  code?: unknown
  originalCode?: unknown
  message?: unknown
  response?: unknown
  responseCode?: unknown
  command?: unknown
  recipient?: unknown
  rejected?: unknown
  rejectedErrors?: unknown
}

export interface SentInfo {
  response?: string
  messageId?: string
  accepted?: Array<string | { address?: string }>
  rejected?: Array<string | { address?: string }>
  rejectedErrors?: SmtpErrorLike[]
}

type Rejection = SmtpReply['rejected'][number]

const REPLY_MAX_CHARS = 300

/** Words for the codes of errors that carry no SMTP reply. */
const ERROR_TEXT: Record<string, string> = {
  ECONNECTION: 'the connection to the SMTP server failed or closed unexpectedly',
  ESOCKET: 'could not reach the SMTP server',
  EDNS: 'the SMTP host name could not be resolved (DNS)',
  ETIMEDOUT: 'the SMTP server did not answer in time',
  EABORT: 'the SMTP server took too long; gave up',
  ETLS: 'the TLS connection to the SMTP server failed',
  EREQUIRETLS: 'the SMTP server does not support the TLS requirement',
  EAUTH: 'SMTP login failed',
  ENOAUTH: 'the SMTP server requires a login but no user/password is set',
  EPROTOCOL: 'the SMTP server answered something unexpected',
  EENVELOPE: 'the sender or recipients were refused',
  EMESSAGE: 'the message could not be sent',
  ECONFIG: 'the SMTP settings are invalid',
  PRIVATE_ADDRESS: 'the SMTP host is a local/LAN address and the "allow private targets" setting is off',
  PLAINTEXT_REFUSED: 'unencrypted SMTP needs the "allow private targets" setting, which is off',
}
/** Codes that mean "took too long" rather than "could not connect". */
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'EABORT'])

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function codeOf(value: unknown): string | undefined {
  const code = text(value)
  return code && /^[A-Za-z0-9_]{1,60}$/.test(code) ? code : undefined
}

/** Remove every form of the password a server or library could echo (plain, base64, AUTH PLAIN). */
export function scrubSecret(input: string, user: string | undefined, password: string | undefined): string {
  if (!password) return input
  const forms = [
    password,
    Buffer.from(password).toString('base64'),
    Buffer.from(`\0${user ?? ''}\0${password}`).toString('base64'),
  ]
  let out = input
  for (const form of forms) if (form.length >= 3) out = out.split(form).join('[redacted]')
  return out
}

type Scrub = (text: string) => string

function cleanReply(reply: unknown, scrub: Scrub): string {
  return truncateChars(oneLine(scrub(text(reply) ?? '')), REPLY_MAX_CHARS)
}

function addressOf(entry: string | { address?: string }): string {
  return typeof entry === 'string' ? entry : (entry.address ?? '')
}

function rejectionsOf(rejected: unknown, errors: unknown, scrub: Scrub): Rejection[] {
  const list = Array.isArray(rejected) ? (rejected as Array<string | { address?: string }>).map(addressOf) : []
  const byAddress = new Map<string, string>()
  for (const err of Array.isArray(errors) ? (errors as SmtpErrorLike[]) : []) {
    const address = text(err?.recipient)
    if (address) byAddress.set(address, cleanReply(err.response ?? err.message, scrub))
  }
  return list.map((address) => ({ address, reply: byAddress.get(address) ?? '' }))
}

function replyCode(reply: string | undefined): number | undefined {
  const code = Number(/^([2-5]\d\d)\b/.exec(reply ?? '')?.[1])
  return Number.isFinite(code) ? code : undefined
}

/** The reply as the text body stored with the attempt. */
function replyBody(parts: SmtpReply): string {
  const lines = [parts.reply]
  if (parts.error) lines.push(`error: ${parts.error.code}${parts.error.command ? ` (${parts.error.command})` : ''}`)
  if (parts.messageId) lines.push(`message-id: ${parts.messageId}`)
  if (parts.accepted.length) lines.push(`accepted: ${parts.accepted.join(', ')}`)
  for (const r of parts.rejected) lines.push(`rejected: ${r.address}${r.reply ? ` — ${r.reply}` : ''}`)
  return lines.join('\n')
}

// ─────────────────────────────── nodemailer → SendResult ───────────────────────────────

/** The server took the message (possibly not for every recipient). */
export function resultFromInfo(info: SentInfo, durationMs: number, scrub: Scrub): SendResult {
  const reply = cleanReply(info.response, scrub)
  const smtp: SmtpReply = {
    reply,
    ...(info.messageId && { messageId: info.messageId }),
    accepted: (info.accepted ?? []).map(addressOf),
    rejected: rejectionsOf(info.rejected, info.rejectedErrors, scrub),
  }
  return { ok: true, response: { status: replyCode(reply) ?? 250, headers: {}, body: replyBody(smtp) }, durationMs, smtp }
}

/** A failed send or verify: a reply code makes it a response, anything else a network/timeout error. */
export function resultFromError(error: unknown, durationMs: number, scrub: Scrub): SendResult {
  const err = (error ?? {}) as SmtpErrorLike
  const code = codeOf(err.code) ?? 'Error'
  const status = typeof err.responseCode === 'number' ? err.responseCode : replyCode(text(err.response))
  if (status !== undefined && status >= 200 && status < 600) {
    const smtp: SmtpReply = {
      reply: cleanReply(err.response ?? `${status}`, scrub),
      error: { code, ...(text(err.command) && { command: oneLine(String(err.command)) }) },
      accepted: [],
      rejected: rejectionsOf(err.rejected, err.rejectedErrors, scrub),
    }
    return { ok: true, response: { status, headers: {}, body: replyBody(smtp) }, durationMs, smtp }
  }
  const original = codeOf(err.originalCode)
  const timeout = TIMEOUT_CODES.has(code) || original === 'ETIMEDOUT'
  const detail = truncateChars(oneLine(scrub(text(err.message) ?? '')), 200)
  const what = ERROR_TEXT[code] ?? (timeout ? 'timed out' : 'sending failed')
  const message = `${code}: ${what}${original && original !== code ? ` [${original}]` : ''}${detail ? ` (${detail})` : ''}`
  return { ok: false, errorClass: timeout ? 'timeout' : 'network', code, message, durationMs }
}

/** A check of ours that refuses to send at all (policy, not the server). */
export function refused(code: 'PRIVATE_ADDRESS' | 'PLAINTEXT_REFUSED'): SendResult {
  return { ok: false, errorClass: 'network', code, message: `${code}: ${ERROR_TEXT[code]}`, durationMs: 0 }
}
