// Load generators: closed loop (N keep-alive clients, each sending its next request when the
// last one is answered: throughput) and open loop (a fixed rate, whatever the answers: latency).
import { Pool } from 'undici'
import { INGEST_TOKEN } from './shell'
import { distribution, sleep, type Distribution } from './stats'

export interface ThroughputResult {
  requests: number
  /** Requests answered 2xx in the measured window. */
  ok: number
  /** Requests answered 2xx in all, warm-up included: what must be on disk afterwards. */
  ok_total: number
  failed: number
  statuses: Record<string, number>
  seconds: number
  requests_per_s: number
  latency_ms: Distribution | null
  /** Every measured request's latency (ms), to pool rounds. */
  latencies: number[]
}

export const INTAKE_HEADERS = { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/json' }

/** `concurrency` clients on keep-alive connections send bodies back to back for `seconds`,
 * after `warmupSeconds` that are not counted (JIT, SQLite page cache, connection set-up). */
export async function closedLoop(opts: {
  url: string
  path: string
  concurrency: number
  seconds: number
  warmupSeconds?: number
  body: (i: number) => string
  headers?: Record<string, string>
}): Promise<ThroughputResult> {
  const pool = new Pool(opts.url, { connections: opts.concurrency, pipelining: 1, keepAliveTimeout: 60_000 })
  const headers = opts.headers ?? INTAKE_HEADERS
  const begin = performance.now()
  const measureFrom = begin + (opts.warmupSeconds ?? 1) * 1000
  const deadline = measureFrom + opts.seconds * 1000
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  let ok = 0
  let okTotal = 0
  let failed = 0
  let next = 0

  const client = async () => {
    while (performance.now() < deadline) {
      const body = opts.body(next++)
      const t0 = performance.now()
      let status = 0
      try {
        const res = await pool.request({ path: opts.path, method: 'POST', headers, body })
        await res.body.dump()
        status = res.statusCode
      } catch {
        status = 0 // connection error
      }
      const t1 = performance.now()
      if (status >= 200 && status < 300) okTotal++
      if (t0 < measureFrom || t1 > deadline) continue
      statuses[status] = (statuses[status] ?? 0) + 1
      latencies.push(t1 - t0)
      if (status >= 200 && status < 300) ok++
      else failed++
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, client))
  await pool.close()
  return {
    requests: ok + failed,
    ok,
    ok_total: okTotal,
    failed,
    statuses,
    seconds: opts.seconds,
    requests_per_s: ok / opts.seconds,
    latency_ms: distribution([...latencies]),
    latencies,
  }
}

/** Calls send(i) at `rate` per second for `seconds` (catching up in bursts when the timer is
 * late), then waits for every call to settle. */
export async function openLoop(opts: { rate: number; seconds: number; send: (i: number) => Promise<void> }): Promise<{ sent: number }> {
  const total = Math.round(opts.rate * opts.seconds)
  const start = performance.now()
  const pending: Promise<void>[] = []
  let sent = 0
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * opts.rate) / 1000) + 1)
    while (sent < due) pending.push(opts.send(sent++))
    const nextAt = start + (sent * 1000) / opts.rate
    await sleep(Math.max(0, nextAt - performance.now()))
  }
  await Promise.all(pending)
  return { sent }
}
