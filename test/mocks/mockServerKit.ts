// Machinery the local HTTP mocks in test/mocks share: waiting (with a timeout) until a list of
// recorded items is long enough, real-time timers that close() can cancel, reading a request
// body, and starting / closing a node:http server on 127.0.0.1.
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'

// ---------------------------------------------------------------------------
// Waiting for recorded items
// ---------------------------------------------------------------------------

export interface Waiters<T> {
  /** Call after an item was added to the list: resolves every waiter that now has enough. */
  notify(): void
  /**
   * Resolves with a copy of the list once it holds at least n items (at once if it already
   * does); rejects after timeoutMs with "<label>: wanted n, got m after timeoutMs ms".
   */
  wait(n: number, timeoutMs: number): Promise<T[]>
  /** Rejects every pending waiter with new Error(reason), e.g. on close. */
  rejectAll(reason: string): void
}

interface Waiter<T> {
  n: number
  resolve: (items: T[]) => void
  reject: (e: Error) => void
  timer: NodeJS.Timeout
}

/** Waiters on `list`, which the caller keeps filling (and may empty in place on reset). */
export function createWaiters<T>(label: string, list: T[]): Waiters<T> {
  const waiters = new Set<Waiter<T>>()
  return {
    notify() {
      for (const w of waiters) {
        if (list.length >= w.n) {
          waiters.delete(w)
          clearTimeout(w.timer)
          w.resolve(list.slice())
        }
      }
    },

    wait(n, timeoutMs) {
      if (list.length >= n) return Promise.resolve(list.slice())
      return new Promise<T[]>((resolve, reject) => {
        const waiter: Waiter<T> = {
          n,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter)
            reject(new Error(`${label}: wanted ${n}, got ${list.length} after ${timeoutMs} ms`))
          }, timeoutMs),
        }
        waiters.add(waiter)
      })
    },

    rejectAll(reason) {
      for (const w of waiters) {
        clearTimeout(w.timer)
        w.reject(new Error(reason))
      }
      waiters.clear()
    },
  }
}

// ---------------------------------------------------------------------------
// Delayed answers
// ---------------------------------------------------------------------------

export interface Timers {
  /** Run fn after ms (real time), unless clearAll() comes first. */
  later(ms: number, fn: () => void): void
  /** Cancel every pending later(). */
  clearAll(): void
}

export function createTimers(): Timers {
  const timers = new Set<NodeJS.Timeout>()
  return {
    later(ms, fn) {
      const t = setTimeout(() => {
        timers.delete(t)
        fn()
      }, ms)
      timers.add(t)
    },

    clearAll() {
      for (const t of timers) clearTimeout(t)
      timers.clear()
    },
  }
}

// ---------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------

/** The whole request body, as raw bytes. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** Listen on 127.0.0.1 (a free port unless one is given); resolves with the origin, e.g.
 * http://127.0.0.1:4567. A given port lets a mock come back where it was (outage tests). */
export async function listenLocal(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** Stop listening and drop every connection (hanging or keep-alive); resolves once closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}
