// 4. Memory and start: time from process start to "listening" (fresh data dir and restart),
// RSS idle, and peak RSS under load: intake at full speed (single events, then batches) while
// the endpoint delivers every event to an unthrottled mock.
import { tempDir } from '../lib/cleanup'
import { createDiscordEndpoint, startBenchDiscord } from '../lib/discord'
import { EventBodies } from '../lib/events'
import { closedLoop } from '../lib/load'
import { atMost, fmt, type Row } from '../lib/report'
import type { Section } from '../lib/section'
import { startShell } from '../lib/shell'
import { median, round, sleep } from '../lib/stats'
import { BATCH_CLIENTS, BATCH_SIZE, SINGLE_CLIENTS } from './intake'

const STARTS = 4
const SETTLE_MS = 2000
const LOAD_SECONDS = 4
const TARGET_START_MS = 1500
const TARGET_RSS_MB = 120

export const memory: Section = {
  name: 'memory',
  title: '4. Memory and start',
  async run(ctx) {
    ctx.log(`memory: ${STARTS} first starts (new data dir) and ${STARTS} restarts, alternating`)
    const firstStarts: number[] = []
    const restarts: number[] = []
    const dir = tempDir('start')
    try {
      await (await startShell({ dataDir: dir.path })).stop() // the data dir restarts reuse
      for (let i = 0; i < STARTS; i++) {
        const fresh = tempDir('fresh')
        const first = await startShell({ dataDir: fresh.path })
        firstStarts.push(first.startMs)
        await first.stop()
        fresh.remove()
        const again = await startShell({ dataDir: dir.path })
        restarts.push(again.startMs)
        await again.stop()
      }
    } finally {
      dir.remove()
    }

    const discord = await startBenchDiscord({ rateLimited: false })
    const shell = await startShell()
    try {
      await createDiscordEndpoint(shell.admin, discord.addWebhook().url, 'memory bench')
      await sleep(SETTLE_MS)
      const idle = shell.memory()
      ctx.log(`memory: ${LOAD_SECONDS} s of single events, then ${LOAD_SECONDS} s of batches, every event delivered`)
      const bodies = new EventBodies()
      shell.resetPeakMemory()
      const single = await closedLoop({ url: shell.url, path: '/v1/events', concurrency: SINGLE_CLIENTS, seconds: LOAD_SECONDS, body: (i) => bodies.single(i) })
      const afterSingle = shell.memory()
      shell.resetPeakMemory()
      const batched = await closedLoop({
        url: shell.url,
        path: '/v1/events',
        concurrency: BATCH_CLIENTS,
        seconds: LOAD_SECONDS,
        body: (i) => bodies.batch(10_000_000 + i * BATCH_SIZE, BATCH_SIZE),
      })
      const afterBatches = shell.memory()

      const startMs = (values: number[]) => `median ${fmt.ms(median(values))}, max ${fmt.ms(Math.max(...values))}`
      const peakOf = (m: typeof idle) => m?.peak_mb ?? m?.rss_mb ?? null
      const loadRow = (what: string, m: typeof idle, events: number): Row => {
        const peak = peakOf(m)
        return {
          measure: `peak RSS under ${what} (${fmt.int(events)} events in ${LOAD_SECONDS} s, each delivered)`,
          knocker: peak === null ? 'n/a' : fmt.mb(peak),
          reference: '',
          target: `≤ ${TARGET_RSS_MB} MB`,
          verdict: peak === null ? 'info' : atMost(peak, TARGET_RSS_MB),
        }
      }
      const rows: Row[] = [
        {
          measure: 'start to "listening", new data dir (keys, migrations)',
          knocker: startMs(firstStarts),
          reference: '',
          target: `≤ ${fmt.ms(TARGET_START_MS)}`,
          verdict: atMost(median(firstStarts), TARGET_START_MS),
        },
        {
          measure: 'start to "listening", existing data dir',
          knocker: startMs(restarts),
          reference: '',
          target: `≤ ${fmt.ms(TARGET_START_MS)}`,
          verdict: atMost(median(restarts), TARGET_START_MS),
        },
        { measure: 'RSS idle (one endpoint, 2 s after start)', knocker: idle ? fmt.mb(idle.rss_mb) : 'n/a', reference: '', target: '', verdict: 'info' },
        loadRow(`single events (${SINGLE_CLIENTS} clients)`, afterSingle, single.ok_total),
        loadRow(`batches of ${BATCH_SIZE} (${BATCH_CLIENTS} clients)`, afterBatches, batched.ok_total * BATCH_SIZE),
      ]
      return {
        rows,
        figures: {
          first_start_ms: firstStarts.map((x) => round(x)),
          restart_ms: restarts.map((x) => round(x)),
          idle,
          under_single_events: afterSingle,
          under_batches: afterBatches,
          events_accepted: { single: single.ok_total, batched: batched.ok_total * BATCH_SIZE },
          messages_delivered_during_load: discord.messages.length,
        },
        notes: [
          'Start: from spawn() of `node out/main/headless.js serve` to its "listening on" line, so Node\'s own start-up is included. ' +
            'Verdicts use the median; the machine is shared.',
          'RSS from /proc/<pid>/status (VmRSS; the peak is VmHWM, reset when each load starts). The load is intake at full speed, ' +
            'as in section 1, while the endpoint delivers every event to an unthrottled mock. Other sections record the peak of their ' +
            'own shells in latest.json.',
        ],
      }
    } finally {
      await shell.stop()
      await discord.close()
    }
  },
}
