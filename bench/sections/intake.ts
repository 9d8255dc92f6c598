// 1. Intake throughput: events/s accepted by POST /v1/events, single events (64 keep-alive
// clients) and batches of 100, next to the raw ceiling of the same machine: a minimal server
// doing only the same durable SQLite insert, once committing as SQLite's synchronous=FULL does
// (the fsync on the event loop) and once as Knocker does (the fsync off the loop); the ceiling
// is the faster of the two. Every server is SIGKILLed right after the load and its database
// counted: every 2xx must be on disk.
import { join } from 'node:path'
import { closedLoop, type ThroughputResult } from '../lib/load'
import { tempDir } from '../lib/cleanup'
import { startChildServer, type ChildServer } from '../lib/childServer'
import { createDiscordEndpoint, startBenchDiscord } from '../lib/discord'
import { EventBodies } from '../lib/events'
import { ROOT } from '../lib/paths'
import { atLeast, fmt, type Row } from '../lib/report'
import type { Section } from '../lib/section'
import { startShell } from '../lib/shell'
import { processCpuSeconds } from '../lib/processCpu'
import { distribution, median, round } from '../lib/stats'
import { storedEventCount } from '../lib/storedEvents'

export const SINGLE_CLIENTS = 64
export const BATCH_CLIENTS = 16
export const BATCH_SIZE = 100
/** Short rounds, alternating between Knocker and the raw ceiling, so a shared machine's load
 * changes hit both alike; each figure is the median over the rounds. */
const ROUNDS = 5
const ROUND_SECONDS = 1.5
const WARMUP_SECONDS = 0.3
/** One unmeasured run per server and mode first: JIT, SQLite page cache, connections. */
const WARMUP_ROUND_SECONDS = 2
const TARGET_SINGLE = 5_000
const TARGET_BATCHED = 30_000
const TARGET_SHARE_OF_RAW = 0.9

interface Contender {
  server: ChildServer
  dbFile: string
  bodies: EventBodies
  rounds: { single: ThroughputResult[]; batched: ThroughputResult[] }
  /** Server CPU time per accepted event in each round, µs (null without /proc). */
  cpu: { single: Array<number | null>; batched: Array<number | null> }
  /** Events answered 2xx, warm-up included: all must be on disk. */
  acknowledged: number
}

export interface IntakeFigures {
  single_events_per_s: number
  batched_events_per_s: number
  /** Per-round rates (events/s), in the order measured. */
  single_rounds: number[]
  batched_rounds: number[]
  /** Median server CPU time per accepted event, µs: less disturbed by a busy machine than events/s. */
  single_cpu_us_per_event: number | null
  batched_cpu_us_per_event: number | null
  single_latency_ms: ReturnType<typeof distribution>
  batched_latency_ms: ReturnType<typeof distribution>
  non_2xx: number
  events_acknowledged: number
  events_on_disk: number
  peak_rss_mb: number | null
}

/** Round -1 is the warm-up (JIT, page cache, connections); event ids never repeat. */
async function runOnce(c: Contender, mode: 'single' | 'batched', roundNo: number, seconds = ROUND_SECONDS): Promise<ThroughputResult> {
  const first = (mode === 'single' ? 0 : 500_000_000) + (roundNo + 1) * 10_000_000
  const size = mode === 'single' ? 1 : BATCH_SIZE
  const cpuBefore = processCpuSeconds(c.server.pid)
  const result = await closedLoop({
    url: c.server.url,
    path: '/v1/events',
    concurrency: mode === 'single' ? SINGLE_CLIENTS : BATCH_CLIENTS,
    seconds,
    warmupSeconds: WARMUP_SECONDS,
    body: mode === 'single' ? (i) => c.bodies.single(first + i) : (i) => c.bodies.batch(first + i * BATCH_SIZE, BATCH_SIZE),
  })
  const cpuAfter = processCpuSeconds(c.server.pid)
  c.acknowledged += result.ok_total * size
  if (roundNo >= 0) {
    const events = result.ok_total * size
    c.cpu[mode].push(cpuBefore === null || cpuAfter === null || events === 0 ? null : round(((cpuAfter - cpuBefore) / events) * 1e6))
  }
  return result
}

const medianOrNull = (values: Array<number | null>) => (values.every((v) => v !== null) && values.length ? median(values as number[]) : null)

function summarise(c: Contender, eventsOnDisk: number, peak: number | null): IntakeFigures {
  const rates = (runs: ThroughputResult[], size: number) => runs.map((r) => round(r.requests_per_s * size))
  const latencies = (runs: ThroughputResult[]) => distribution(runs.flatMap((r) => r.latencies))
  const all = [...c.rounds.single, ...c.rounds.batched]
  return {
    single_events_per_s: median(rates(c.rounds.single, 1)),
    batched_events_per_s: median(rates(c.rounds.batched, BATCH_SIZE)),
    single_cpu_us_per_event: medianOrNull(c.cpu.single),
    batched_cpu_us_per_event: medianOrNull(c.cpu.batched),
    single_rounds: rates(c.rounds.single, 1),
    batched_rounds: rates(c.rounds.batched, BATCH_SIZE),
    single_latency_ms: latencies(c.rounds.single),
    batched_latency_ms: latencies(c.rounds.batched),
    non_2xx: all.reduce((n, r) => n + r.failed, 0),
    events_acknowledged: c.acknowledged,
    events_on_disk: eventsOnDisk,
    peak_rss_mb: peak,
  }
}

/** Rounds of single-event then batched load against every server, in turns (the order
 * rotates each round); then each is SIGKILLed and its database counted. */
async function compare(contenders: Contender[]): Promise<IntakeFigures[]> {
  for (const c of contenders) for (const mode of ['single', 'batched'] as const) await runOnce(c, mode, -1, WARMUP_ROUND_SECONDS)
  for (const c of contenders) c.server.resetPeakMemory()
  for (const mode of ['single', 'batched'] as const) {
    for (let r = 0; r < ROUNDS; r++) {
      const turn = contenders.map((_, i) => contenders[(i + r) % contenders.length])
      for (const c of turn) c.rounds[mode].push(await runOnce(c, mode, r))
    }
  }
  const figures: IntakeFigures[] = []
  for (const c of contenders) {
    const peak = c.server.memory()?.peak_mb ?? null
    await c.server.kill()
    figures.push(summarise(c, storedEventCount(c.dbFile), peak))
  }
  return figures
}

/** The two ways the raw ceiling commits (see rawIntakeServer.ts). */
const RAW_COMMITS = ['sync', 'pipelined'] as const

export const intake: Section = {
  name: 'intake',
  title: '1. Intake throughput',
  async run(ctx) {
    const discord = await startBenchDiscord({ rateLimited: true })
    const knockerDir = tempDir('intake')
    const rawDirs = RAW_COMMITS.map((commit) => tempDir(`intake-raw-${commit}`))
    const servers: ChildServer[] = []
    try {
      // One Discord endpoint, as at the museum: every event also writes one delivery row. It is
      // rate limited (5 per 2 s), so the engine sends little while intake is measured.
      const shell = await startShell({ dataDir: knockerDir.path })
      servers.push(shell)
      await createDiscordEndpoint(shell.admin, discord.addWebhook().url, 'intake bench')
      const rawDbs = rawDirs.map((dir) => join(dir.path, 'raw.db'))
      const rawServers: ChildServer[] = []
      for (const [i, commit] of RAW_COMMITS.entries()) {
        rawServers.push(await startChildServer(['--import', 'tsx', join(ROOT, 'bench/reference/rawIntakeServer.ts'), rawDbs[i], commit], process.env))
        servers.push(rawServers[i])
      }
      ctx.log(
        `intake: ${ROUNDS} rounds of ${ROUND_SECONDS} s in turns, Knocker and the raw ceiling (${RAW_COMMITS.join(', ')}): ` +
          `${SINGLE_CLIENTS} clients × single events, then ${BATCH_CLIENTS} × batches of ${BATCH_SIZE}`,
      )
      const contender = (server: ChildServer, dbFile: string): Contender => ({
        server,
        dbFile,
        bodies: new EventBodies(),
        rounds: { single: [], batched: [] },
        cpu: { single: [], batched: [] },
        acknowledged: 0,
      })
      const [knocker, rawSync, rawPipelined] = await compare([
        contender(shell, join(knockerDir.path, 'knocker.db')),
        ...rawServers.map((server, i) => contender(server, rawDbs[i])),
      ])
      const raws = [rawSync, rawPipelined]
      // The ceiling is the faster way, per mode.
      const ceiling = {
        single_events_per_s: Math.max(...raws.map((r) => r.single_events_per_s)),
        batched_events_per_s: Math.max(...raws.map((r) => r.batched_events_per_s)),
      }
      const both = (f: (r: IntakeFigures) => string) => `FULL on the loop ${f(rawSync)} · off the loop ${f(rawPipelined)}`

      const durable = (r: IntakeFigures) => r.events_on_disk === r.events_acknowledged
      const cpuCell = (us: number | null) => (us === null ? 'n/a' : `${fmt.int(us)} µs`)
      const lat = (d: IntakeFigures['single_latency_ms']) => (d ? `p50 ${fmt.ms(d.p50)}, p99 ${fmt.ms(d.p99)}` : '–')
      const rows: Row[] = [
        {
          measure: `single events (${SINGLE_CLIENTS} keep-alive clients)`,
          knocker: fmt.perS(knocker.single_events_per_s),
          reference: `raw ceiling: ${both((r) => fmt.perS(r.single_events_per_s))}`,
          target: `≥ ${fmt.int(TARGET_SINGLE)}/s`,
          verdict: atLeast(knocker.single_events_per_s, TARGET_SINGLE),
        },
        {
          measure: `batches of ${BATCH_SIZE} (${BATCH_CLIENTS} clients)`,
          knocker: fmt.perS(knocker.batched_events_per_s),
          reference: `raw ceiling: ${both((r) => fmt.perS(r.batched_events_per_s))}`,
          target: `≥ ${fmt.int(TARGET_BATCHED)}/s`,
          verdict: atLeast(knocker.batched_events_per_s, TARGET_BATCHED),
        },
        {
          measure: 'single: share of the raw ceiling',
          knocker: fmt.pct(knocker.single_events_per_s / ceiling.single_events_per_s),
          reference: '',
          target: `≥ ${fmt.pct(TARGET_SHARE_OF_RAW)}`,
          verdict: atLeast(knocker.single_events_per_s / ceiling.single_events_per_s, TARGET_SHARE_OF_RAW),
        },
        {
          measure: 'batched: share of the raw ceiling',
          knocker: fmt.pct(knocker.batched_events_per_s / ceiling.batched_events_per_s),
          reference: '',
          target: `≥ ${fmt.pct(TARGET_SHARE_OF_RAW)}`,
          verdict: atLeast(knocker.batched_events_per_s / ceiling.batched_events_per_s, TARGET_SHARE_OF_RAW),
        },
        {
          measure: 'server CPU time per event (single / batched)',
          knocker: `${cpuCell(knocker.single_cpu_us_per_event)} / ${cpuCell(knocker.batched_cpu_us_per_event)}`,
          reference: both((r) => `${cpuCell(r.single_cpu_us_per_event)} / ${cpuCell(r.batched_cpu_us_per_event)}`),
          target: '',
          verdict: 'info',
        },
        {
          measure: 'request latency under that load (single / batch)',
          knocker: `${lat(knocker.single_latency_ms)} / ${lat(knocker.batched_latency_ms)}`,
          reference: both((r) => `${lat(r.single_latency_ms)} / ${lat(r.batched_latency_ms)}`),
          target: '',
          verdict: 'info',
        },
        {
          measure: 'every 2xx on disk after SIGKILL',
          knocker: `${fmt.int(knocker.events_on_disk)} of ${fmt.int(knocker.events_acknowledged)}`,
          reference: both((r) => `${fmt.int(r.events_on_disk)} of ${fmt.int(r.events_acknowledged)}`),
          target: 'all',
          verdict: [knocker, ...raws].every(durable) ? 'met' : 'missed',
        },
      ]
      return {
        rows,
        figures: { knocker, raw_ceiling_sync: rawSync, raw_ceiling_pipelined: rawPipelined, rounds: ROUNDS, round_seconds: ROUND_SECONDS },
        notes: [
          `Closed loop: each client sends its next request when the last is answered. ${ROUNDS} rounds of ${ROUND_SECONDS} s per server and ` +
            `mode, the servers taking turns in an order that rotates each round (${WARMUP_SECONDS} s of each round not counted); figures are ` +
            'medians of the rounds. The load generator runs on the same cores as the server.',
          'Knocker has one Discord endpoint (each event also writes a delivery row); the raw ceiling inserts the same two rows ' +
            "into Knocker's schema (openDb, WAL) with group commit, and skips auth, validation and routing. It commits in two ways: " +
            "synchronous=FULL (the fsync blocks the event loop) and as Knocker does (synchronous=NORMAL, then the write-ahead log's fsync " +
            'on the thread pool before the 202s). The share is taken of the faster one. Every bench event is a new problem report, so ' +
            "Knocker also writes the report's post and the machine-health projection (two upserts).",
          ...(knocker.non_2xx > 0 ? [`Knocker answered ${knocker.non_2xx} requests with a non-2xx status.`] : []),
        ],
      }
    } finally {
      for (const server of servers) await server.kill() // already dead unless something failed
      await discord.close()
      knockerDir.remove()
      for (const dir of rawDirs) dir.remove()
    }
  },
}
