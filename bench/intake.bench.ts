// Intake throughput: single-event POSTs from many concurrent clients against the headless
// shell in a child process (real SQLite file, WAL, synchronous=FULL, group commit).
// Usage: npm run bench [-- --seconds 5 --concurrency 64]
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { Pool } from 'undici'
import { SAMPLE_EVENTS } from '../src/shared/samples'

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '64' } },
})
const seconds = Number(values.seconds)
const concurrency = Number(values.concurrency)
const INGEST = 'bench-ingest-token-0000000000'
const dataDir = mkdtempSync(join(tmpdir(), 'knocker-bench-'))

const child = spawn(
  process.execPath,
  [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), '--import', 'tsx', 'src/main/headless.ts', 'serve', '--port', '0', '--data-dir', dataDir],
  {
    cwd: resolve(import.meta.dirname, '..'),
    env: { ...process.env, KNOCKER_INGEST_TOKEN: INGEST, KNOCKER_ADMIN_TOKEN: 'bench-admin-token-000000000', KNOCKER_LOG_LEVEL: 'warn' },
  },
)
let out = ''
child.stdout.on('data', (d) => (out += d))
child.stderr.on('data', (d) => (out += d))
const url = await new Promise<string>((ok, fail) => {
  const timer = setInterval(() => {
    const m = /listening on (http:\/\/\S+)/.exec(out)
    if (m) {
      clearInterval(timer)
      ok(m[1])
    }
  }, 20)
  child.on('exit', () => fail(new Error(out)))
})

const pool = new Pool(url, { connections: concurrency, pipelining: 1 })
const template = SAMPLE_EVENTS['problem_report.created']
let sent = 0
let failed = 0
const latencies: number[] = []
const deadline = performance.now() + seconds * 1000

async function client(id: number) {
  let n = 0
  while (performance.now() < deadline) {
    const body = JSON.stringify({ ...template, event_id: `bench:${id}:${n++}` })
    const t0 = performance.now()
    const res = await pool.request({
      path: '/v1/events',
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST}`, 'content-type': 'application/json' },
      body,
    })
    await res.body.text()
    latencies.push(performance.now() - t0)
    if (res.statusCode === 202) sent++
    else failed++
  }
}

const started = performance.now()
await Promise.all(Array.from({ length: concurrency }, (_, i) => client(i)))
const elapsed = (performance.now() - started) / 1000
latencies.sort((a, b) => a - b)
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))].toFixed(1)
console.log(
  `intake: ${sent} events accepted in ${elapsed.toFixed(1)} s = ${Math.round(sent / elapsed)} events/s ` +
    `(${concurrency} concurrent clients, single-event requests, ${failed} failed); ` +
    `latency p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`,
)
await pool.close()
child.kill('SIGTERM')
await new Promise((ok) => child.on('exit', ok))
rmSync(dataDir, { recursive: true, force: true })
