// One HTTP server for intake (POST /v1/events), the admin API (/api/*, loopback + admin
// token) and the renderer. Used by the headless shell and the Electron shell alike.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { ApiError } from '../admin/apiError'
import { validateIntakeBody } from '../intake/validateIntake'
import type { KnockerCore } from '../knocker'
import type { Logger } from '../log/logger'
import { seeTheLog } from '../log/logLocation'
import { handleAdminRequest } from './adminRoutes'
import { DISCORD_WEBHOOK_PATH, handleDiscordWebhook } from './discordWebhookRoute'
import { isLoopback, requireBearer } from './auth'
import { streamChanges } from './changeStream'
import { readJsonBody } from './requestBody'
import { serveStatic } from './staticFiles'

export const VERSION = '0.1.0'

export function createKnockerServer(core: KnockerCore, opts: { rendererDir?: string; logger: Logger }): Server {
  const server = createServer((req, res) => {
    handle(core, opts, req, res).catch((error) => {
      if (error instanceof ApiError) return sendJson(res, error.status, error.toBody())
      opts.logger.error({ err: error, path: req.url }, 'request failed')
      sendJson(res, 500, { error: { code: 'internal', message: `Internal error; ${seeTheLog(core.logLocation)}` } })
    })
  })
  // Slow-loris protection without cutting long admin calls (a test send waits up to 15 s).
  server.headersTimeout = 10_000
  server.requestTimeout = 60_000
  server.keepAliveTimeout = 5_000
  return server
}

async function handle(
  core: KnockerCore,
  opts: { rendererDir?: string; logger: Logger },
  req: IncomingMessage,
  res: ServerResponse,
) {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const path = url.pathname

  if (path === '/healthz') {
    return sendJson(res, 200, { ok: true, version: VERSION, delivery_enabled: core.settings.get().delivery_enabled })
  }

  if (path === '/v1/events') {
    if (req.method !== 'POST') throw new ApiError(405, 'method_not_allowed', 'Use POST to send events')
    requireBearer(req, core.options.ingestToken, 'ingest')
    const { events, batch } = validateIntakeBody(await readJsonBody(req))
    const results = await core.accept(events)
    const anyNew = results.some((r) => !r.duplicate)
    if (!batch) {
      const [r] = results
      return r.duplicate
        ? sendJson(res, 200, { event_id: r.event_id, duplicate: true, deliveries: [] })
        : sendJson(res, 202, { event_id: r.event_id, deliveries: r.deliveries })
    }
    return sendJson(res, anyNew ? 202 : 200, {
      accepted: results.filter((r) => !r.duplicate).length,
      duplicates: results.filter((r) => r.duplicate).length,
      events: results.map((r) =>
        r.duplicate ? { event_id: r.event_id, duplicate: true, deliveries: [] } : { event_id: r.event_id, deliveries: r.deliveries },
      ),
    })
  }

  // Discord-compatible sources: their token is their credential, answered from any address.
  if (DISCORD_WEBHOOK_PATH.test(path)) return handleDiscordWebhook(core, req, res, url)

  if (path === '/api' || path.startsWith('/api/')) {
    // The admin API never answers other machines, whatever address intake listens on.
    if (!isLoopback(req.socket.remoteAddress)) throw new ApiError(403, 'forbidden', 'The admin API only answers on 127.0.0.1')
    requireBearer(req, core.options.adminToken, 'admin')
    if (path === '/api/changes' && req.method === 'GET') return streamChanges(core, req, res)
    const { status, body } = await handleAdminRequest(core.admin, req, url)
    return sendJson(res, status, body)
  }

  if ((req.method === 'GET' || req.method === 'HEAD') && serveStatic(opts.rendererDir, path, res)) return
  throw new ApiError(404, 'not_found', `Nothing at ${path}`)
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  if (res.headersSent) return res.end()
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
  })
  res.end(text)
}
