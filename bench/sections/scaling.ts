// 6. Scaling: intake and drain with 1, 10 and 50 endpoints; then with 10k, 100k and 1M events
// in the history: intake, a small drain, and the admin API's history list and stats queries,
// which must stay under 50 ms at 1M.
import { join } from 'node:path'
import { Pool } from 'undici'
import { tempDir } from '../lib/cleanup'
import { createDiscordEndpoint, startBenchDiscord } from '../lib/discord'
import { drainScenario, type DrainResult } from '../lib/drainScenario'
import { EventBodies } from '../lib/events'
import { closedLoop } from '../lib/load'
import { atMost, fmt, type Row } from '../lib/report'
import type { Section } from '../lib/section'
import { seedHistoryInChild, type SeedResult } from '../lib/seedHistory'
import { ADMIN_TOKEN, startShell, type Shell } from '../lib/shell'
import { distribution, type Distribution } from '../lib/stats'
import { SINGLE_CLIENTS } from './intake'

const ENDPOINT_COUNTS = [1, 10, 50]
const HISTORY_SIZES = [10_000, 100_000, 1_000_000]
const INTAKE_SECONDS = 3
/** Per endpoint in the scaling drains: 3 rate-limit windows, so 4 s at best. */
const DRAIN_EVENTS_PER_ENDPOINT = 15
const QUERY_REPEATS = 15
const TARGET_QUERY_MS = 50

interface IntakeAt {
  events_per_s: number
  delivery_rows_per_s: number
}

async function intakeWith(shell: Shell, endpoints: number): Promise<IntakeAt> {
  const bodies = new EventBodies()
  const r = await closedLoop({ url: shell.url, path: '/v1/events', concurrency: SINGLE_CLIENTS, seconds: INTAKE_SECONDS, body: (i) => bodies.single(i) })
  return { events_per_s: Math.round(r.requests_per_s), delivery_rows_per_s: Math.round(r.requests_per_s * endpoints) }
}

/** The admin API calls of the history and overview pages, each timed over HTTP. */
function historyQueries(endpointIds: string[], midCursor: number, now: number): Record<string, string> {
  const day = 24 * 3600_000
  return {
    'GET /api/deliveries (first page)': '/api/deliveries',
    'GET /api/deliveries?status=failed': '/api/deliveries?status=failed',
    'GET /api/deliveries?event=machine.created (0.5% of events)': '/api/deliveries?event=machine.created',
    'GET /api/deliveries?endpoint_id=<a 5% endpoint>': `/api/deliveries?endpoint_id=${endpointIds[1]}`,
    'GET /api/deliveries?cursor=<middle of the history>': `/api/deliveries?cursor=${midCursor}`,
    'GET /api/deliveries?since&until (one day, two weeks ago)': `/api/deliveries?since=${now - 15 * day}&until=${now - 14 * day}`,
    'GET /api/deliveries?q=Twilight (text search)': '/api/deliveries?q=Twilight',
    'GET /api/stats': '/api/stats',
    'GET /api/endpoints (queue counts, health)': '/api/endpoints',
  }
}

async function timeQueries(shell: Shell, queries: Record<string, string>): Promise<Record<string, Distribution>> {
  const pool = new Pool(shell.url, { connections: 1 })
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}` }
  const out: Record<string, Distribution> = {}
  try {
    for (const [name, path] of Object.entries(queries)) {
      const times: number[] = []
      for (let i = 0; i <= QUERY_REPEATS; i++) {
        const t0 = performance.now()
        const res = await pool.request({ path, method: 'GET', headers })
        await res.body.text()
        if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode}`)
        if (i > 0) times.push(performance.now() - t0) // the first one warms the page cache
      }
      out[name] = distribution(times)!
    }
  } finally {
    await pool.close()
  }
  return out
}

async function endpointScaling(ctx: Parameters<Section['run']>[0]) {
  const results: Array<{ endpoints: number; intake: IntakeAt; drain: DrainResult }> = []
  const discord = await startBenchDiscord({ rateLimited: true })
  try {
    for (const n of ENDPOINT_COUNTS) {
      ctx.log(`scaling: intake with ${n} endpoint(s)`)
      const shell = await startShell()
      let intake: IntakeAt
      try {
        for (let i = 0; i < n; i++) await createDiscordEndpoint(shell.admin, discord.addWebhook().url, `scaling ${i}`)
        intake = await intakeWith(shell, n)
      } finally {
        await shell.stop()
      }
      const drainShell = await startShell()
      try {
        const drain = await drainScenario(drainShell, { endpoints: n, eventsPerEndpoint: DRAIN_EVENTS_PER_ENDPOINT, digests: false, log: ctx.log })
        results.push({ endpoints: n, intake, drain })
      } finally {
        await drainShell.stop()
      }
    }
  } finally {
    await discord.close()
  }
  return results
}

async function historyScaling(ctx: Parameters<Section['run']>[0]) {
  const dir = tempDir('history')
  const dbFile = join(dir.path, 'knocker.db')
  const results: Array<{ history: number; seed: SeedResult; queries: Record<string, Distribution>; intake: IntakeAt; drain: DrainResult }> = []
  try {
    // Endpoints are made through the API (their URLs are sealed with the data dir's key).
    let shell = await startShell({ dataDir: dir.path })
    const endpointIds: string[] = []
    for (let i = 0; i < 3; i++) endpointIds.push(await createDiscordEndpoint(shell.admin, `http://127.0.0.1:9/api/webhooks/1${i}/history_${'x'.repeat(40)}`, `history ${i}`))
    // Switched off, so intake's new events aren't retried against a closed port meanwhile.
    for (const id of endpointIds) await shell.admin.updateEndpoint({ id, enabled: false })
    await shell.stop()
    let seeded = 0
    for (const size of HISTORY_SIZES) {
      ctx.log(`scaling: seeding the history up to ${fmt.int(size)} events`)
      const seed = await seedHistoryInChild(dbFile, endpointIds, size - seeded)
      seeded = size
      shell = await startShell({ dataDir: dir.path })
      try {
        ctx.log(`scaling: ${fmt.int(size)} events in history: queries, intake, drain`)
        const now = Date.now()
        const queries = await timeQueries(shell, historyQueries(endpointIds, Math.round(size / 2), now))
        const intake = await intakeWith(shell, endpointIds.length)
        const drain = await drainScenario(shell, { endpoints: 1, eventsPerEndpoint: DRAIN_EVENTS_PER_ENDPOINT, digests: false, log: ctx.log })
        results.push({ history: size, seed, queries, intake, drain })
      } finally {
        await shell.stop()
      }
    }
  } finally {
    dir.remove()
  }
  return results
}

export const scaling: Section = {
  name: 'scaling',
  title: '6. Scaling: endpoints and history',
  async run(ctx) {
    const byEndpoints = await endpointScaling(ctx)
    const byHistory = await historyScaling(ctx)

    const drainCell = (d: DrainResult) =>
      d.drain_s === null
        ? `${d.events_delivered} of ${d.endpoints * d.events_per_endpoint} delivered (timed out)`
        : `drain ${fmt.s(d.drain_s)} (${d.ratio_to_bound}× bound ${fmt.s(d.bound_s)}), ${d.rate_limited_429} × 429`
    const rows: Row[] = byEndpoints.map((r) => ({
      measure: `${r.endpoints} endpoint(s): intake; drain of ${DRAIN_EVENTS_PER_ENDPOINT} events each`,
      knocker: `${fmt.perS(r.intake.events_per_s)} events (${fmt.perS(r.intake.delivery_rows_per_s)} deliveries); ${drainCell(r.drain)}`,
      reference: '',
      target: '',
      verdict: 'info' as const,
    }))
    for (const h of byHistory) {
      rows.push({
        measure: `${fmt.int(h.history)} events in history: intake; drain of ${DRAIN_EVENTS_PER_ENDPOINT}`,
        knocker: `${fmt.perS(h.intake.events_per_s)} events; ${drainCell(h.drain)}`,
        reference: `database ${h.seed.db_mb} MB`,
        target: '',
        verdict: 'info',
      })
    }
    const largest = byHistory[byHistory.length - 1]
    for (const name of Object.keys(largest?.queries ?? {})) {
      const growth = byHistory.map((h) => `${fmt.ms(h.queries[name].p50)}`).join(' → ')
      const at = largest.queries[name]
      rows.push({
        measure: `${name}, p50 at ${byHistory.map((h) => fmt.int(h.history / 1000) + 'k').join(' → ')}`,
        knocker: `${growth} (max at ${fmt.int(largest.history / 1000)}k: ${fmt.ms(at.max)})`,
        reference: '',
        target: `≤ ${TARGET_QUERY_MS} ms at 1M`,
        verdict: atMost(at.p50, TARGET_QUERY_MS),
      })
    }
    return {
      rows,
      figures: { by_endpoints: byEndpoints, by_history: byHistory },
      notes: [
        `Intake: ${SINGLE_CLIENTS} keep-alive clients × single events for ${INTAKE_SECONDS} s; every endpoint subscribes to every event, so each event ` +
          'writes one delivery row per endpoint. The endpoints are Discord webhooks of a mock limited to 5 requests per 2 s each.',
        `Drains as in section 3 without digests (one message per event, to compare with the bound), with ${DRAIN_EVENTS_PER_ENDPOINT} events per ` +
          "endpoint (bound 4 s); times include the wait for Knocker to notice Discord is back after the outage, which matters more here than in the 400 s drain.",
        'History: written straight into SQLite through openDb (Knocker\'s schema and migrations) while the shell was stopped: events of a museum\'s ' +
          'mix of types over 29 days, one delivery each (96.5% delivered, 2.5% suppressed, 1% failed) to 3 endpoints (80/10/10), no attempt rows. ' +
          `Each query is run ${QUERY_REPEATS + 1} times over HTTP and the first is not counted; the verdict uses the median.`,
      ],
    }
  },
}
