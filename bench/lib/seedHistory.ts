// Fills a data dir's database with delivery history, straight into SQLite (through openDb,
// so with Knocker's own schema and migrations) while the shell is stopped: a million events
// can't go through intake within the bench's time budget. Rows look like what a month of
// intake and delivery leaves behind.
import { EVENT_TYPES, type EventType } from '../../src/shared/events'
import { eventSummary } from '../../src/shared/eventSummary'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { openDb } from '../../src/main/core/db/openDb'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { trackChild } from './cleanup'
import { MIGRATIONS, ROOT } from './paths'

/** A museum's mix: mostly log entries and problem reports, few machine changes. */
const TYPE_WEIGHTS: Record<EventType, number> = {
  'log_entry.created': 40,
  'problem_report.created': 30,
  'problem_report.closed': 15,
  'machine.status_changed': 9,
  'problem_report.reopened': 4,
  'machine.location_changed': 1.5,
  'machine.created': 0.5,
}
/** Finished history: delivered, with some suppressed (switched off) and a few failed. */
const STATUS_WEIGHTS = { delivered: 96.5, suppressed: 2.5, failed: 1 }
/** Inside the default 30-day retention, so the history pruner leaves it alone. */
export const HISTORY_SPAN_DAYS = 29
const CHUNK = 50_000

function picker<K extends string>(weights: Record<K, number>): (i: number) => K {
  const keys = Object.keys(weights) as K[]
  const total = keys.reduce((n, k) => n + weights[k], 0)
  // A fixed, evenly spread sequence (golden-ratio steps): the same history on every run.
  return (i) => {
    let x = ((i * 0.6180339887498949) % 1) * total
    for (const k of keys) if ((x -= weights[k]) < 0) return k
    return keys[keys.length - 1]
  }
}

export interface SeedResult {
  events: number
  seconds: number
  db_mb: number
}

/** Appends `count` events, each with one delivery to one of `endpointIds` (the first gets
 * 80%), numbered on from what the database already holds. */
export function seedHistory(dbFile: string, endpointIds: string[], count: number, now = Date.now()): SeedResult {
  const started = performance.now()
  const db = openDb(dbFile, MIGRATIONS).$client
  try {
    db.pragma('synchronous = OFF') // set-up, not a measurement: durability isn't the point here
    const first = (db.prepare('select count(*) from events').pluck().get() as number) + 1
    const pickType = picker(TYPE_WEIGHTS)
    const pickStatus = picker(STATUS_WEIGHTS)
    const templates = new Map(EVENT_TYPES.map((t) => [t, JSON.stringify({ ...SAMPLE_EVENTS[t], event_id: '@@ID@@' }).split('@@ID@@')]))
    const summaries = new Map(EVENT_TYPES.map((t) => [t, eventSummary(SAMPLE_EVENTS[t])]))
    const insertEvent = db.prepare(
      'insert into events (event_id, event_type, occurred_at, received_at, payload, summary) values (?, ?, ?, ?, ?, ?)',
    )
    const insertDelivery = db.prepare(
      `insert into deliveries (event_seq, endpoint_id, status, attempt_count, next_attempt_at, last_error, created_at, updated_at, delivered_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    const spanMs = HISTORY_SPAN_DAYS * 24 * 3600_000
    const total = first - 1 + count
    const insertChunk = db.transaction((from: number, to: number) => {
      for (let n = from; n < to; n++) {
        const type = pickType(n)
        const status = pickStatus(n)
        const receivedAt = Math.round(now - spanMs + (spanMs * n) / total)
        const eventId = `history:${type}:${n}`
        const seq = insertEvent.run(eventId, type, new Date(receivedAt - 2000).toISOString(), receivedAt, templates.get(type)!.join(eventId), summaries.get(type)!)
          .lastInsertRowid as number
        const endpoint = endpointIds[n % 5 === 0 && endpointIds.length > 1 ? 1 + (n % (endpointIds.length - 1)) : 0]
        const finishedAt = receivedAt + 300
        insertDelivery.run(
          seq,
          endpoint,
          status,
          status === 'suppressed' ? 0 : status === 'failed' ? 8 : 1,
          receivedAt,
          status === 'failed' ? 'HTTP 500 from the destination (gave up after 8 failed attempts)' : null,
          receivedAt,
          finishedAt,
          status === 'delivered' ? finishedAt : null,
        )
      }
    })
    for (let from = first; from < first + count; from += CHUNK) insertChunk(from, Math.min(first + count, from + CHUNK))
    db.pragma('wal_checkpoint(TRUNCATE)')
    const pages = db.pragma('page_count', { simple: true }) as number
    const pageSize = db.pragma('page_size', { simple: true }) as number
    return { events: count, seconds: (performance.now() - started) / 1000, db_mb: Math.round((pages * pageSize) / 2 ** 20) }
  } finally {
    db.close()
  }
}

/** seedHistory in a child process, so the bench's own event loop (and its mocks) keep going. */
export function seedHistoryInChild(dbFile: string, endpointIds: string[], count: number): Promise<SeedResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/lib/seedHistoryMain.ts'), dbFile, String(count), ...endpointIds], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const untrack = trackChild(child)
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('close', (code) => {
      untrack()
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop()!) as SeedResult)
      else reject(new Error(`seeding the history failed:\n${out}`))
    })
  })
}
