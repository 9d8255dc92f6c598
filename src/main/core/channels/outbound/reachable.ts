// Offline probes: is the destination's host reachable at all? While Knocker is offline it asks
// this instead of sending a message, so probing every few seconds costs one tiny request and
// adds nothing to any delivery's history. HTTP destinations get a HEAD of their origin (never
// the secret path: a webhook URL's token stays out of it); any answer, whatever the status,
// means the network is back. SMTP servers get a TCP connection that is closed at once.
import { connect } from 'node:net'
import { request } from 'undici'
import type { SendContext } from '../types'
import { USER_AGENT } from './postJson'

/** A probe never waits longer than this, whatever the send timeout. */
const PROBE_TIMEOUT_MS = 5000

const timeoutOf = (ctx: SendContext) => Math.min(ctx.timeoutMs, PROBE_TIMEOUT_MS)

export async function httpOriginAnswers(url: string, ctx: SendContext): Promise<boolean> {
  const timeout = timeoutOf(ctx)
  try {
    const res = await request(`${new URL(url).origin}/`, {
      method: 'HEAD',
      dispatcher: ctx.dispatcher,
      headers: { 'user-agent': USER_AGENT },
      headersTimeout: timeout,
      bodyTimeout: timeout,
      signal: AbortSignal.timeout(timeout * 2),
    })
    await res.body.dump()
    return true
  } catch {
    return false
  }
}

export function tcpPortOpens(host: string, port: number, ctx: SendContext): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutOf(ctx), () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}
