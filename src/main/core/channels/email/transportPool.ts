// One pooled nodemailer transport per SMTP target, so a burst of notifications reuses a
// logged-in connection instead of opening one per mail. Pools are keyed by a hash of the
// target (and the send timeout), so changed settings get a fresh pool; a pool unused for a
// while is closed, and closeAll() ends every connection at shutdown.
import { createHash } from 'node:crypto'
import type { ConnectionOptions } from 'node:tls'
import type { Mail, SMTPPoolOptions, SMTPPoolSentMessageInfo } from 'nodemailer'
import type { EmailTarget } from './target'

export type PooledMailer = Mail<SMTPPoolSentMessageInfo, SMTPPoolOptions>

/** At most this many connections per target: enough for a send and a test's verify at once. */
const MAX_CONNECTIONS = 2
/** Reconnect after this many messages; servers limit messages per session (often 100). */
const MAX_MESSAGES_PER_CONNECTION = 50
/** Pool-wide cap, shared by every endpoint with the same target (one SMTP account): 10 per
 * 20 s = 30 a minute, Microsoft 365's per-mailbox submission limit. A short window keeps a
 * message's wait in the limiter well inside the engine's lease on the delivery. */
export const RATE_LIMIT = { messages: 10, windowMs: 20_000 }
/** Close a connection idle this long (servers drop idle sessions after a few minutes). */
const CONNECTION_IDLE_MS = 60_000
/** Forget a pool nobody used for this long. */
const POOL_IDLE_MS = 10 * 60_000

export interface TransportPoolOptions {
  /** Extra TLS options. Tests only (a mock's self-signed certificate); never from the API. */
  tls?: ConnectionOptions
  poolIdleMs?: number
}

interface Entry {
  mailer: PooledMailer
  busy: number
  lastUsed: number
}

function transportOptions(target: EmailTarget, timeoutMs: number, tls?: ConnectionOptions): SMTPPoolOptions {
  const { host, port, security, user, password } = target.smtp
  return {
    pool: true,
    host,
    port,
    secure: security === 'tls',
    requireTLS: security === 'starttls',
    ignoreTLS: security === 'none',
    ...(user !== undefined && { auth: { user, pass: password }, forceAuth: true }),
    tls: { minVersion: 'TLSv1.2', ...tls },
    maxConnections: MAX_CONNECTIONS,
    maxMessages: MAX_MESSAGES_PER_CONNECTION,
    rateLimit: RATE_LIMIT.messages,
    rateDelta: RATE_LIMIT.windowMs,
    // One silent requeue covers a server dropping a pooled connection just as it was reused;
    // anything more is the delivery engine's job (it records and backs off).
    maxRequeues: 1,
    idleTimeout: CONNECTION_IDLE_MS,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    socketTimeout: timeoutMs * 2,
    logger: false,
    debug: false,
    // Message content never loads files or URLs (defence in depth: we only send strings).
    disableFileAccess: true,
    disableUrlAccess: true,
  }
}

function poolKey(target: EmailTarget, timeoutMs: number): string {
  return createHash('sha256').update(JSON.stringify([target, timeoutMs])).digest('hex')
}

export class TransportPool {
  private readonly pools = new Map<string, Entry>()
  private sweeper: NodeJS.Timeout | null = null
  private readonly poolIdleMs: number

  constructor(private readonly options: TransportPoolOptions = {}) {
    this.poolIdleMs = options.poolIdleMs ?? POOL_IDLE_MS
  }

  /** Run `fn` with the target's pooled transport (created on first use). */
  async use<T>(target: EmailTarget, timeoutMs: number, fn: (mailer: PooledMailer) => Promise<T>): Promise<T> {
    const key = poolKey(target, timeoutMs)
    let entry = this.pools.get(key)
    if (!entry) {
      // Loaded on first use: most museums send no email, and nodemailer costs megabytes.
      const { createTransport } = (await import('nodemailer')).default
      entry = this.pools.get(key)
      if (!entry) {
        entry = { mailer: createTransport(transportOptions(target, timeoutMs, this.options.tls)), busy: 0, lastUsed: Date.now() }
        this.pools.set(key, entry)
        this.startSweeper()
      }
    }
    entry.busy += 1
    try {
      return await fn(entry.mailer)
    } finally {
      entry.busy -= 1
      entry.lastUsed = Date.now()
    }
  }

  get size(): number {
    return this.pools.size
  }

  /** Close pools that have been idle for poolIdleMs (none of their sends in flight). */
  closeIdle(now: number = Date.now()): void {
    for (const [key, entry] of this.pools) {
      if (entry.busy === 0 && now - entry.lastUsed >= this.poolIdleMs) {
        entry.mailer.close()
        this.pools.delete(key)
      }
    }
    if (this.pools.size === 0) this.stopSweeper()
  }

  /** Close every pool, ending connections even mid-delivery (shutdown). */
  async closeAll(): Promise<void> {
    this.stopSweeper()
    for (const entry of this.pools.values()) entry.mailer.close({ force: true })
    this.pools.clear()
  }

  private startSweeper(): void {
    if (this.sweeper) return
    this.sweeper = setInterval(() => this.closeIdle(), Math.max(1000, Math.floor(this.poolIdleMs / 2)))
    this.sweeper.unref?.()
  }

  private stopSweeper(): void {
    if (this.sweeper) clearInterval(this.sweeper)
    this.sweeper = null
  }
}
