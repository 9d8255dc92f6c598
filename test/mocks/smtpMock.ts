// A local SMTP server for tests: smtp-server on 127.0.0.1 (port 0) with mailparser to read
// what arrived. Behaviour: /work/shared/reference/destinations.md, "Email" and "Mock behaviour".
// Optional AUTH (wrong user/password → 535), STARTTLS off by default (plain tests) or on with
// smtp-server's built-in self-signed certificate, scripted replies on MAIL FROM / RCPT TO /
// DATA (550 permanent, 450/451 transient), per-address rejections, dropped connections.
import type { AddressInfo } from 'node:net'
import { simpleParser } from 'mailparser'
import { SMTPServer, type SMTPServerSession } from 'smtp-server'

export type SmtpStage = 'CONNECT' | 'MAIL' | 'RCPT' | 'DATA'

export interface SmtpScriptStep {
  /** The command this step answers (DATA: after the message content, so it is still recorded). */
  on: SmtpStage
  /** Reply code, e.g. 550 or 451. */
  code?: number
  message?: string
  /** Destroy the connection instead of answering. */
  drop?: boolean
}

export interface ParsedSmtpMessage {
  subject: string
  text: string
  html: string
  messageId: string | undefined
  inReplyTo: string | undefined
  references: string[]
  /** Unfolded raw header values by lower-case name (the last one wins). */
  headers: Record<string, string>
}

export interface SmtpMockMessage {
  envelope: { from: string; to: string[] }
  parsed: ParsedSmtpMessage
  raw: string
  session: { id: string; user: string | null; secure: boolean }
  /** What the server answered after the content: 250 or a scripted error. */
  reply: { code: number; message: string }
  receivedAt: number
}

export interface SmtpMockCommand {
  stage: SmtpStage
  sessionId: string
  arg?: string
  /** 0 when the connection was dropped instead. */
  code: number
}

export interface SmtpMockOptions {
  /** Require AUTH with these credentials (offered without TLS, as a LAN relay would). */
  auth?: { user: string; password: string }
  /** Offer STARTTLS with smtp-server's built-in self-signed certificate. Default off. */
  starttls?: boolean
}

export interface SmtpMock {
  host: string
  port: number
  /** Messages the server accepted (250 after DATA). */
  messages: SmtpMockMessage[]
  /** Every message whose content arrived, accepted or not (a 451 after DATA is here too). */
  received: SmtpMockMessage[]
  commands: SmtpMockCommand[]
  authAttempts: Array<{ user: string; ok: boolean }>
  /** Connections opened so far. */
  readonly connectionCount: number
  /** Queue replies; each step is used once, by the first command of its stage. */
  script(...steps: SmtpScriptStep[]): void
  /** Refuse this recipient on RCPT TO, every time. */
  rejectRecipient(address: string, code?: number, message?: string): void
  reset(): void
  waitForMessages(n: number, timeoutMs?: number): Promise<SmtpMockMessage[]>
  close(): Promise<void>
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code })
}

function defaultMessage(code: number): string {
  if (code >= 500) return code === 550 ? 'Requested action not taken: mailbox unavailable' : 'Permanent failure'
  return code === 421 ? 'Service not available, closing channel' : 'Requested action aborted: try again later'
}

function headerMap(lines: ReadonlyArray<{ key: string; line: string }>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const { key, line } of lines) out[key.toLowerCase()] = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim()
  return out
}

export async function startSmtpMock(options: SmtpMockOptions = {}): Promise<SmtpMock> {
  const steps: SmtpScriptStep[] = []
  const rejections = new Map<string, { code: number; message: string }>()
  const messages: SmtpMockMessage[] = []
  const received: SmtpMockMessage[] = []
  const commands: SmtpMockCommand[] = []
  const authAttempts: Array<{ user: string; ok: boolean }> = []
  let connectionCount = 0
  const waiters = new Set<() => void>()

  const takeStep = (stage: SmtpStage): SmtpScriptStep | undefined => {
    const index = steps.findIndex((s) => s.on === stage)
    return index === -1 ? undefined : steps.splice(index, 1)[0]
  }
  const dropSession = (session: SMTPServerSession) => {
    for (const connection of server.connections) {
      if (connection.session === session) connection._socket.destroy()
    }
  }
  /** Answer a command: a scripted step, or `fallback` (undefined = accept). */
  const answer = (
    stage: SmtpStage,
    session: SMTPServerSession,
    arg: string | undefined,
    callback: (err?: Error | null) => void,
    fallback?: { code: number; message: string },
  ) => {
    const step = takeStep(stage)
    if (step?.drop) {
      commands.push({ stage, sessionId: session.id, arg, code: 0 })
      dropSession(session)
      return
    }
    const reply = step?.code ? { code: step.code, message: step.message ?? defaultMessage(step.code) } : fallback
    commands.push({ stage, sessionId: session.id, arg, code: reply?.code ?? 250 })
    callback(reply ? smtpError(reply.code, reply.message) : null)
  }

  const disabledCommands = [...(options.starttls ? [] : ['STARTTLS']), ...(options.auth ? [] : ['AUTH'])]
  const server = new SMTPServer({
    logger: false,
    secure: false,
    name: 'mock.smtp.test',
    disabledCommands,
    authOptional: !options.auth,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    size: 10 * 1024 * 1024,
    onConnect(session, callback) {
      connectionCount += 1
      answer('CONNECT', session, undefined, callback)
    },
    onAuth(auth, session, callback) {
      const ok = !!options.auth && auth.username === options.auth.user && auth.password === options.auth.password
      authAttempts.push({ user: auth.username ?? '', ok })
      if (ok) return callback(null, { user: auth.username })
      callback(null, { message: 'Error: Authentication credentials invalid', responseCode: 535 })
    },
    onMailFrom(address, session, callback) {
      answer('MAIL', session, address.address, callback)
    },
    onRcptTo(address, session, callback) {
      answer('RCPT', session, address.address, callback, rejections.get(address.address.toLowerCase()))
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        const mail = await simpleParser(raw).catch(() => null)
        if (!mail) {
          commands.push({ stage: 'DATA', sessionId: session.id, code: 554 })
          return callback(smtpError(554, '5.6.0 Malformed message'))
        }
        const step = takeStep('DATA')
        const reply = step?.code ? { code: step.code, message: step.message ?? defaultMessage(step.code) } : { code: 250, message: 'OK: message queued' }
        const message: SmtpMockMessage = {
          envelope: {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          },
          parsed: {
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: mail.html || '',
            messageId: mail.messageId,
            inReplyTo: mail.inReplyTo,
            references: mail.references === undefined ? [] : ([] as string[]).concat(mail.references),
            headers: headerMap(mail.headerLines),
          },
          raw,
          session: { id: session.id, user: session.user ?? null, secure: session.secure },
          reply,
          receivedAt: Date.now(),
        }
        received.push(message)
        if (step?.drop) {
          commands.push({ stage: 'DATA', sessionId: session.id, code: 0 })
          dropSession(session)
          return
        }
        commands.push({ stage: 'DATA', sessionId: session.id, code: reply.code })
        if (reply.code === 250) messages.push(message)
        for (const wake of waiters) wake()
        callback(reply.code === 250 ? null : smtpError(reply.code, reply.message), reply.code === 250 ? reply.message : undefined)
      })
    },
  })
  server.on('error', () => {
    // Client-side drops surface here; they are part of the tests, not failures of the mock.
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port

  return {
    host: '127.0.0.1',
    port,
    messages,
    received,
    commands,
    authAttempts,
    get connectionCount() {
      return connectionCount
    },
    script: (...more) => void steps.push(...more),
    rejectRecipient(address, code = 550, message) {
      const fallback =
        code >= 500
          ? `5.1.1 <${address}>: Recipient address rejected: User unknown`
          : `4.2.0 <${address}>: Recipient address rejected: try again later`
      rejections.set(address.toLowerCase(), { code, message: message ?? fallback })
    },
    reset() {
      steps.length = 0
      rejections.clear()
      messages.length = 0
      received.length = 0
      commands.length = 0
      authAttempts.length = 0
    },
    waitForMessages(n, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < n) return false
          cleanup()
          resolve(messages.slice(0, n))
          return true
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(new Error(`SMTP mock: expected ${n} messages, got ${messages.length}`))
        }, timeoutMs)
        const wake = () => void check()
        const cleanup = () => {
          clearTimeout(timer)
          waiters.delete(wake)
        }
        if (!check()) waiters.add(wake)
      })
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of server.connections) connection._socket.destroy()
        server.close(() => resolve())
      }),
  }
}
