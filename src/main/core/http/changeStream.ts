// GET /api/changes: the core's change notices as server-sent events, so a browser console
// refreshes the moment something happens instead of polling. Notices are coalesced (one per
// topic per 250 ms) and a comment line every 25 s keeps proxies from closing the stream.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ChangeTopic } from '../../../shared/changes'
import type { KnockerCore } from '../knocker'

const COALESCE_MS = 250
const HEARTBEAT_MS = 25_000

export function streamChanges(core: KnockerCore, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    connection: 'keep-alive',
  })
  res.write(': knocker change stream\n\n')
  const pending = new Set<ChangeTopic>()
  let flushTimer: NodeJS.Timeout | null = null
  const flush = () => {
    flushTimer = null
    for (const topic of pending) res.write(`data: ${JSON.stringify({ topic })}\n\n`)
    pending.clear()
  }
  const unsubscribe = core.onChange((topic) => {
    pending.add(topic)
    flushTimer ??= setTimeout(flush, COALESCE_MS)
  })
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS)
  heartbeat.unref()
  const stop = () => {
    unsubscribe()
    clearInterval(heartbeat)
    if (flushTimer) clearTimeout(flushTimer)
  }
  req.on('close', stop)
  res.on('error', stop)
}
