// What an SMTP result means for the delivery. Pure. 2xx: delivered (recipients the server
// refused are kept as a note: the others already have the mail, so it is not sent again).
// 4xx and connection trouble: try again. 5xx: give up on this message; when the cause is the
// endpoint's settings (login, TLS, sender, every recipient) flag it so a person fixes them.
import type { Outcome, SendResult, SmtpReply } from '../types'

const NOTE_MAX_REJECTIONS = 10
const SEND_AS_DENIED = /SendAsDenied|\b5\.7\.60\b/i

function permanent(message: string, flagEndpoint: boolean): Outcome {
  return { result: 'permanent', errorClass: 'rejected', message, flagEndpoint }
}

function said(parts: SmtpReply): string {
  return parts.reply ? ` (${parts.reply})` : ''
}

function listRejections(rejected: SmtpReply['rejected']): string {
  const shown = rejected.slice(0, NOTE_MAX_REJECTIONS).map((r) => (r.reply ? `${r.address} (${r.reply})` : r.address))
  const more = rejected.length - shown.length
  return shown.join('; ') + (more > 0 ? `; and ${more} more` : '')
}

/** Errors that never reached the server's reply stage. */
function classifyFailure(result: Extract<SendResult, { ok: false }>): Outcome {
  const code = result.errorClass === 'internal' ? undefined : result.code
  const message = `SMTP: ${result.message}`
  switch (code) {
    case 'EAUTH':
    case 'ENOAUTH':
      return permanent(`SMTP login failed — check user/password. ${message}`, true)
    case 'ETLS':
    case 'EREQUIRETLS':
      return permanent(
        `SMTP: TLS failed — check the security setting (starttls for port 587, tls for port 465) and the server's certificate. ${result.message}`,
        true,
      )
    case 'EENVELOPE': // an address nodemailer itself refuses: the endpoint's from/to
    case 'ECONFIG':
    case 'PRIVATE_ADDRESS':
    case 'PLAINTEXT_REFUSED':
      return permanent(message, true)
    case 'EMESSAGE': // e.g. larger than the server's SIZE limit: this message only
    case 'ESTREAM':
      return permanent(message, false)
    default:
      return { result: 'retry', errorClass: result.errorClass, message }
  }
}

/** The server answered with an error reply. */
function classifyReply(status: number, parts: SmtpReply): Outcome {
  const code = parts.error?.code
  const command = parts.error?.command ?? ''
  const transient = status >= 400 && status < 500
  if (code === 'EAUTH') {
    if (transient) return { result: 'retry', errorClass: 'server_error', message: `SMTP: login temporarily refused${said(parts)}.` }
    return permanent(`SMTP login failed — check user/password${said(parts)}.`, true)
  }
  if (code === 'ETLS' || code === 'EREQUIRETLS') {
    if (transient) return { result: 'retry', errorClass: 'server_error', message: `SMTP: TLS temporarily unavailable${said(parts)}.` }
    return permanent(
      `SMTP: the server does not offer the required TLS (STARTTLS)${said(parts)} — use security "tls" for port 465, or a server that supports STARTTLS.`,
      true,
    )
  }
  // 421: the server is closing the connection (busy, shutting down); 503: bad command sequence.
  if (transient || status === 503 || status < 400) {
    return { result: 'retry', errorClass: 'server_error', message: `SMTP: the server deferred the message${said(parts)}; will retry.` }
  }
  if (command === 'MAIL FROM') {
    return permanent(`SMTP: the server refused the sender address${said(parts)} — check "from" (the server may only allow its own addresses).`, true)
  }
  // Microsoft 365 refuses a "from" the login may not send as only after DATA.
  if (SEND_AS_DENIED.test(parts.reply)) {
    return permanent(`SMTP: this login may not send as the "from" address${said(parts)} — use the account's own address as "from".`, true)
  }
  if (command === 'RCPT TO') {
    const who = parts.rejected.length ? listRejections(parts.rejected) : parts.reply
    return permanent(`SMTP: every recipient was refused: ${who} — check the recipient addresses.`, true)
  }
  return permanent(`SMTP: the server refused the message${said(parts)}.`, false)
}

export function classifyEmail(result: SendResult): Outcome {
  if (!result.ok) return classifyFailure(result)
  const { status, body } = result.response
  const parts: SmtpReply = result.smtp ?? { reply: body, accepted: [], rejected: [] }
  if (status >= 200 && status < 300 && !parts.error) {
    const note = parts.rejected.length ? `Not delivered to ${listRejections(parts.rejected)}.` : undefined
    return { result: 'delivered', ...(parts.messageId && { remoteId: parts.messageId }), ...(note && { note }) }
  }
  return classifyReply(status, parts)
}
