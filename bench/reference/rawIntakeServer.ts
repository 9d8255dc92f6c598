// The raw ceiling for intake: a minimal node:http server that does only what makes an event
// durable: parse JSON, insert the event and one delivery row into Knocker's own schema
// (openDb: WAL), with group commit, and answer 202 once the commit is on disk. No validation,
// routing, auth or anything else. Usage: rawIntakeServer.ts <db file> [sync|pipelined]
//   sync: each group's commit is synchronous=FULL, its fsync on the event loop;
//   pipelined: as Knocker commits: synchronous=NORMAL, then WalSync's fsync of the log off the
//     loop, the 202s after it (requests go on being read and committed meanwhile).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { openDb } from '../../src/main/core/db/openDb'
import { WalSync } from '../../src/main/core/db/walSync'
import { MIGRATIONS } from '../lib/paths'

const db = openDb(process.argv[2], MIGRATIONS).$client
const pipelined = process.argv[3] === 'pipelined'
const walSync = new WalSync(db)
const now = Date.now()
db.prepare(
  `insert into endpoints (id, name, kind, target_sealed, target_hint, created_at, updated_at) values ('ep_raw', 'raw', 'discord', '', '', ?, ?)`,
).run(now, now)
const insertEvent = db.prepare(
  `insert into events (event_id, event_type, occurred_at, received_at, payload, summary) values (?, ?, ?, ?, ?, ?)
   on conflict (event_id) do nothing returning seq`,
)
const insertDelivery = db.prepare(
  `insert into deliveries (event_seq, endpoint_id, status, next_attempt_at, created_at, updated_at) values (?, 'ep_raw', 'pending', ?, ?, ?)`,
)

type RawEvent = { event_id: string; event: string; occurred_at: string }
interface Waiting {
  events: RawEvent[]
  res: ServerResponse
  single: boolean
}
let group: Waiting[] = []

const commit = db.transaction((waiting: Waiting[]) => {
  const at = Date.now()
  for (const w of waiting) {
    for (const e of w.events) {
      const row = insertEvent.get(e.event_id, e.event, e.occurred_at, at, JSON.stringify(e), e.event) as { seq: number } | undefined
      if (row) insertDelivery.run(row.seq, at, at, at)
    }
  }
})

function answer(waiting: Waiting[]) {
  for (const w of waiting) {
    const body = w.single ? `{"event_id":${JSON.stringify(w.events[0].event_id)}}` : `{"accepted":${w.events.length}}`
    w.res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body)
  }
}

function flush() {
  const waiting = group
  group = []
  if (!pipelined) {
    commit(waiting)
    return answer(waiting)
  }
  walSync.unsynced(() => commit(waiting))
  void walSync.durable().then(() => answer(waiting))
}

function handle(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RawEvent | { events: RawEvent[] }
    const single = !('events' in parsed)
    if (group.length === 0) setImmediate(flush)
    group.push({ events: single ? [parsed] : parsed.events, res, single })
  })
}

const server = createServer(handle)
server.keepAliveTimeout = 5_000
server.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as { port: number }).port}`)
})
process.on('SIGTERM', () => {
  server.close()
  server.closeAllConnections()
  db.close()
  process.exit(0)
})
