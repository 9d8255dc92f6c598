// A local mock of the museum's host app (Flipfix) for the pollers: its real read API,
// GET /api/v1/machines/ (Bearer API key; {"machines": [...]} as flipfix/apps/core/views/api.py
// serialises them; 401/403 {"success": false, "error"} as its api_auth answers), and the
// optional event feed documented for host apps, GET /api/v1/notification-events/?after&limit
// → {"events", "next_cursor"} with opaque cursors. Plain node:http on 127.0.0.1. Tests change
// `machines` and `feed` in place, script odd answers, or take the host down (connections dropped).
import { randomBytes } from 'node:crypto'
import { createServer, type ServerResponse } from 'node:http'
import { closeServer, listenLocal } from './mockServerKit'

export interface FlipfixMachine {
  asset_id: string
  name: string
  short_name: string | null
  slug: string
  serial_number: string
  operational_status: 'good' | 'fixing' | 'broken' | 'unknown'
  /** The location's name (the API gives nothing else); null = no location. */
  location: string | null
  model: Record<string, unknown>
}

export interface FlipfixScriptedReply {
  status: number
  body: string
  contentType?: string
}

export interface FlipfixRequest {
  path: string
  query: Record<string, string>
  authorization: string | undefined
  /** Date.now() when it arrived. */
  at: number
}

export interface FlipfixMock {
  url: string
  apiKey: string
  machines: FlipfixMachine[]
  /** Events the feed serves, oldest first. */
  feed: unknown[]
  /** Largest page the feed serves, whatever `limit` asks (default 100). */
  feedPageLimit: number
  requests: FlipfixRequest[]
  requestsTo(path: string): FlipfixRequest[]
  /** Answers for the next requests (any path, after the key check), in order. */
  script(...replies: FlipfixScriptedReply[]): void
  /** Down: every connection is dropped without an answer, like an unreachable host. */
  setDown(down: boolean): void
  close(): Promise<void>
}

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')

/** The museum's machines (host-app.md's sample data): name, short name, status, location. */
const SAMPLE: Array<[string, string | null, FlipfixMachine['operational_status'], string]> = [
  ['Eight Ball Deluxe Limited Edition', 'Eight Ball Deluxe', 'good', 'Museum'],
  ['The Getaway: High Speed II', 'The Getaway', 'good', 'Museum'],
  ['Star Trek', null, 'good', 'Museum'],
  ['Hokus Pokus', null, 'good', 'Museum'],
  ['Roto Pool', null, 'broken', 'Museum'],
  ['Gorgar', null, 'broken', 'Storage'],
  ['Twilight Zone', null, 'broken', 'Workshop'],
  ['Medieval Madness', null, 'broken', 'Workshop'],
  ['The Addams Family', 'Addams Family', 'good', 'Coin-Op'],
  ['Godzilla (Premium)', 'Godzilla', 'good', 'Museum'],
  ['Blackout', null, 'good', 'Museum'],
]

export function sampleMachines(): FlipfixMachine[] {
  return SAMPLE.map(([name, shortName, status, location], i) => machine(`M${String(i + 1).padStart(4, '0')}`, name, { short_name: shortName, operational_status: status, location }))
}

export function machine(assetId: string, name: string, patch: Partial<FlipfixMachine> = {}): FlipfixMachine {
  return {
    asset_id: assetId,
    name,
    short_name: null,
    slug: slug(name),
    serial_number: '',
    operational_status: 'unknown',
    location: null,
    model: { name, manufacturer: 'Williams', year: 1993, month: null, era: 'SS', system: 'WPC', scoring: '', flipper_count: 2, ipdb_id: null, pinside_rating: null },
    ...patch,
  }
}

const cursorOf = (position: number) => Buffer.from(`pos:${position}:`).toString('base64url')
function positionOf(cursor: string): number | null {
  const match = /^pos:(\d+):/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  return match ? Number(match[1]) : null
}

export async function startFlipfixMock(opts: { apiKey?: string } = {}): Promise<FlipfixMock> {
  const apiKey = opts.apiKey ?? randomBytes(32).toString('hex')
  const scripted: FlipfixScriptedReply[] = []
  const requests: FlipfixRequest[] = []
  let down = false

  const json = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    res.end(text)
  }

  const mock: FlipfixMock = {
    url: '',
    apiKey,
    machines: sampleMachines(),
    feed: [],
    feedPageLimit: 100,
    requests,
    requestsTo: (path) => requests.filter((r) => r.path === path),
    script: (...replies) => void scripted.push(...replies),
    setDown(on) {
      down = on
    },
    close: () => closeServer(server),
  }

  const server = createServer((req, res) => {
    if (down) return req.socket.destroy()
    const url = new URL(req.url ?? '/', 'http://flipfix.local')
    requests.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization, at: Date.now() })
    const header = req.headers.authorization ?? ''
    if (!header.startsWith('Bearer ')) return json(res, 401, { success: false, error: 'Missing or invalid Authorization header' })
    if (header.slice(7) !== apiKey) return json(res, 403, { success: false, error: 'Invalid API key' })
    const reply = scripted.shift()
    if (reply) {
      res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json' })
      return res.end(reply.body)
    }
    if (req.method !== 'GET') return json(res, 405, { success: false, error: 'Method not allowed' })
    if (url.pathname === '/api/v1/machines/') {
      const machines = [...mock.machines].sort((a, b) => a.name.localeCompare(b.name))
      return json(res, 200, { machines })
    }
    if (url.pathname === '/api/v1/notification-events/') {
      const after = url.searchParams.get('after')
      const start = after === null ? 0 : positionOf(after)
      if (start === null) return json(res, 400, { success: false, error: 'Invalid cursor' })
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 100) || 100, mock.feedPageLimit)
      const events = mock.feed.slice(start, start + limit)
      return json(res, 200, { events, next_cursor: cursorOf(start + events.length) })
    }
    json(res, 404, { success: false, error: 'Not found' })
  })
  server.on('connection', (socket) => {
    if (down) socket.destroy()
  })
  mock.url = await listenLocal(server)
  return mock
}
