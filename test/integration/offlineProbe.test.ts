// Offline probes against real sockets on 127.0.0.1: an HTTP destination's origin is asked with
// a HEAD of "/" (never the secret path), and any answer counts; an SMTP port only has to open.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net'
import { Agent } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { httpOriginAnswers, tcpPortOpens } from '../../src/main/core/channels/outbound/reachable'
import type { SendContext } from '../../src/main/core/channels/types'

const dispatcher = new Agent()
const ctx: SendContext = { dispatcher, timeoutMs: 2000, allowPrivate: true, now: Date.now }
const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

async function httpServer(status: number): Promise<{ url: string; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = []
  const server: Server = createServer((req, res) => {
    seen.push(req)
    res.writeHead(status).end('no')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(() => new Promise((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

async function closedPort(): Promise<number> {
  const server = createTcpServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('offline probes', () => {
  it('an HTTP origin that answers anything counts, and only "/" is asked, with HEAD', async () => {
    for (const status of [200, 404, 405, 503]) {
      const server = await httpServer(status)
      expect(await httpOriginAnswers(`${server.url}/api/webhooks/123/the-secret-token?wait=true`, ctx)).toBe(true)
      expect(server.seen.map((r) => [r.method, r.url])).toEqual([['HEAD', '/']])
    }
  })

  it('a refused connection or a server that never answers does not', async () => {
    expect(await httpOriginAnswers(`http://127.0.0.1:${await closedPort()}/hook`, ctx)).toBe(false)
    const sockets: Socket[] = []
    const silent = createTcpServer((socket) => void sockets.push(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    closers.push(() => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), silent.close(() => resolve()))))
    const started = Date.now()
    const quick = { ...ctx, timeoutMs: 300 }
    expect(await httpOriginAnswers(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`, quick)).toBe(false)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('an SMTP port: open counts, closed does not; nothing is written to it', async () => {
    const received: Buffer[] = []
    const smtp = createTcpServer((socket) => socket.on('data', (d) => received.push(d)))
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
    closers.push(() => new Promise((resolve) => smtp.close(() => resolve())))
    expect(await tcpPortOpens('127.0.0.1', (smtp.address() as AddressInfo).port, ctx)).toBe(true)
    expect(await tcpPortOpens('127.0.0.1', await closedPort(), ctx)).toBe(false)
    expect(received).toEqual([])
  })
})
