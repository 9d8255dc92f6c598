// "The museum's internet" between Knocker and a local mock: a TCP forwarder on 127.0.0.1 that
// can be up, refuse connections (its port closed, as when the network is gone), or swallow
// them (a blackhole: connected, never answered, so requests time out).
import { createServer, type Server, type Socket, connect } from 'node:net'

export type NetworkMode = 'up' | 'refused' | 'blackhole'

export interface NetworkSwitch {
  /** The mock's URL, rewritten to go through the switch. */
  url(mockUrl: string): string
  set(mode: NetworkMode): Promise<void>
  readonly mode: NetworkMode
  /** Connections that reached the switch while it was not up. */
  readonly dropped: number
  close(): Promise<void>
}

export async function startNetworkSwitch(targetPort: number): Promise<NetworkSwitch> {
  let mode: NetworkMode = 'up'
  let dropped = 0
  const sockets = new Set<Socket>()
  let server: Server | null = null
  let port = 0

  const onConnection = (client: Socket) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => undefined)
    if (mode !== 'up') {
      dropped++
      return // blackhole: keep it open, say nothing
    }
    const upstream = connect(targetPort, '127.0.0.1')
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
    client.pipe(upstream).pipe(client)
  }

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer(onConnection)
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port
        resolve()
      })
    })
  const unlisten = () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve()
      const s = server
      server = null
      s.close(() => resolve())
    })
  const dropAll = () => {
    for (const s of sockets) s.destroy()
    sockets.clear()
  }

  await listen()
  return {
    url(mockUrl) {
      const u = new URL(mockUrl)
      u.port = String(port)
      return u.toString()
    },
    get mode() {
      return mode
    },
    get dropped() {
      return dropped
    },
    async set(next) {
      if (next === mode) return
      dropAll()
      if (next === 'refused') await unlisten()
      else if (!server) await listen() // the same port again
      mode = next
    },
    async close() {
      dropAll()
      await unlisten()
    },
  }
}
