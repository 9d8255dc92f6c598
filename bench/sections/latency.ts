// 2. End-to-end latency: from intake's 202 to the Discord mock receiving the message, at 10,
// 100 and 1,000 events/s (open loop, one Discord endpoint, the mock without rate limits).
// Reference: a bare undici POST of the same message to the same mock, at the same rates.
import { Pool } from 'undici'
import { createDiscordEndpoint, startBenchDiscord } from '../lib/discord'
import { EventBodies } from '../lib/events'
import { INTAKE_HEADERS, openLoop } from '../lib/load'
import { atMost, fmt, type Row } from '../lib/report'
import type { Section } from '../lib/section'
import { startShell, type Shell } from '../lib/shell'
import { distribution, preciseNow, sleep, type Distribution } from '../lib/stats'

const RATES = [
  { perSecond: 10, seconds: 10 },
  { perSecond: 100, seconds: 5 },
  { perSecond: 1000, seconds: 3 },
]
const TARGET_P99_AT_100 = 10
/** Events stored just before the last measurement at 100 events/s. */
const BURST = 100_000
const BURST_BATCH = 100
/** How long the last messages may take to arrive before they count as missing. */
const ARRIVAL_GRACE_MS = 20_000
const MARKER = /bench #[a-z0-9]+-\d+/
const CLIENTS = 32
const IDLE_WAIT_MS = 60_000

/** Waits (up to IDLE_WAIT_MS) until Knocker has nothing queued; returns what is still queued. */
async function untilIdle(shell: Shell): Promise<number> {
  const deadline = Date.now() + IDLE_WAIT_MS
  for (;;) {
    const { queue_depth } = await shell.admin.getStats({})
    if (queue_depth === 0 || Date.now() > deadline) return queue_depth
    await sleep(200)
  }
}

interface RateResult {
  per_second: number
  seconds: number
  sent: number
  arrived: number
  /** Messages they came in: with Knocker's defaults a backlog goes as digests. */
  messages: number
  knocker_ms: Distribution | null
  reference_ms: Distribution | null
  /** Messages per second the mock received from Knocker while events kept coming. */
  delivered_per_s: number
  /** Measured right after this many events were stored. */
  after_burst?: number
}

export const latency: Section = {
  name: 'latency',
  title: '2. End-to-end latency',
  async run(ctx) {
    const discord = await startBenchDiscord({ rateLimited: false })
    const shell = await startShell()
    try {
      const webhook = discord.addWebhook()
      const endpointId = await createDiscordEndpoint(shell.admin, webhook.url, 'latency bench')
      const intake = new Pool(shell.url, { connections: CLIENTS, keepAliveTimeout: 60_000 })
      const direct = new Pool(discord.url, { connections: CLIENTS, keepAliveTimeout: 60_000 })
      // The message Knocker sends for an event, as the reference's body.
      const probe = new EventBodies()
      const res = await intake.request({ path: '/v1/events', method: 'POST', headers: INTAKE_HEADERS, body: probe.single(0) })
      await res.body.dump()
      await discord.waitForMessages(1, ARRIVAL_GRACE_MS)
      const template = discord.requests.find((r) => r.status === 200 && r.path.includes(webhook.id))!.rawBody
      shell.resetPeakMemory()
      const results: RateResult[] = []
      for (const rate of RATES) {
        // What a previous rate left queued would slow both the reference and the next rate.
        const leftOver = await untilIdle(shell)
        if (leftOver > 0) ctx.log(`latency: ${leftOver} deliveries still queued after ${IDLE_WAIT_MS / 1000} s; going on`)
        ctx.log(`latency: ${rate.perSecond} events/s for ${rate.seconds} s, a bare undici POST then Knocker`)
        results.push(await measureRate(rate, intake, direct, discord, webhook, template))
      }
      // Right after a burst: 100,000 events stored while the endpoint was switched off (each
      // gets a suppressed delivery row, so nothing queues), then 100 events/s again.
      ctx.log(`latency: a burst of ${fmt.int(BURST)} events, then 100 events/s for 5 s`)
      await shell.admin.updateEndpoint({ id: endpointId, enabled: false })
      const burstBodies = new EventBodies()
      let nextBatch = 0
      const sender = async () => {
        for (let i = nextBatch++; i < BURST / BURST_BATCH; i = nextBatch++) {
          const res = await intake.request({ path: '/v1/events', method: 'POST', headers: INTAKE_HEADERS, body: burstBodies.batch(i * BURST_BATCH, BURST_BATCH) })
          await res.body.dump()
          if (res.statusCode !== 202) throw new Error(`intake answered ${res.statusCode} during the burst`)
        }
      }
      await Promise.all(Array.from({ length: 8 }, sender))
      await shell.admin.updateEndpoint({ id: endpointId, enabled: true })
      const afterBurst = await measureRate({ perSecond: 100, seconds: 5 }, intake, direct, discord, webhook, template)
      results.push({ ...afterBurst, after_burst: BURST })
      const peak = shell.memory()?.peak_mb ?? null
      await intake.close()
      await direct.close()

      const dist = (d: Distribution | null) => (d ? `p50 ${fmt.ms(d.p50)} · p99 ${fmt.ms(d.p99)} · max ${fmt.ms(d.max)}` : '–')
      const rows: Row[] = results.map((r) => {
        const missing = r.sent - r.arrived
        return {
          measure: `${fmt.int(r.per_second)} events/s for ${r.seconds} s (${fmt.int(r.sent)} events)${r.after_burst ? `, right after a burst of ${fmt.int(r.after_burst)}` : ''}`,
          knocker:
            dist(r.knocker_ms) +
            (r.messages < r.arrived ? ` · in ${fmt.int(r.messages)} messages (digests)` : '') +
            (missing > 0 ? ` · ${fmt.int(missing)} not arrived yet` : ''),
          reference: dist(r.reference_ms),
          target: r.per_second === 100 ? `p99 ≤ ${TARGET_P99_AT_100} ms` : '',
          verdict: r.per_second === 100 ? (r.knocker_ms && missing === 0 ? atMost(r.knocker_ms.p99, TARGET_P99_AT_100) : 'missed') : 'info',
        }
      })
      return {
        rows,
        figures: { rates: results, peak_rss_mb: peak },
        notes: [
          'Knocker: from the 202 reaching the client to the request reaching the mock. Reference: from the start of a bare undici POST ' +
            'of the message Knocker sent to the same mock. Both stamped with one clock in the bench process.',
          `Open loop: events are sent at the rate whatever the answers, by ${CLIENTS} keep-alive clients. One Discord endpoint with ` +
            "Knocker's defaults (a backlog whose oldest event has waited 10 s goes as digests), whose messages go out one at a time " +
            'in order; the mock has no rate limit here.',
          ...results
            .filter((r) => r.delivered_per_s < r.per_second * 0.95)
            .map(
              (r) =>
                `At ${fmt.int(r.per_second)} events/s the endpoint delivered ${fmt.int(r.delivered_per_s)} messages/s while events arrived: ` +
                `a queue built up, hence the latency${r.arrived < r.sent ? `; ${fmt.int(r.sent - r.arrived)} were still queued ${ARRIVAL_GRACE_MS / 1000} s after the last event` : ''}.`,
            ),
        ],
      }
    } finally {
      await shell.stop()
      await discord.close()
    }
  },
}

async function measureRate(
  rate: { perSecond: number; seconds: number },
  intake: Pool,
  direct: Pool,
  discord: Awaited<ReturnType<typeof startBenchDiscord>>,
  webhook: { id: string; token: string },
  template: string,
): Promise<RateResult> {
  // Reference first, while Knocker is idle: the same message posted straight to the mock.
  const reference: number[] = []
  const refBodies = new EventBodies()
  const firstRef = discord.messages.length
  const startedAt = new Map<number, number>()
  const path = `/api/v10/webhooks/${webhook.id}/${webhook.token}?wait=true`
  await openLoop({
    rate: rate.perSecond,
    seconds: rate.seconds,
    send: async (i) => {
      const body = template.replace(MARKER, `bench #${refBodies.run}-${i}`)
      startedAt.set(i, preciseNow())
      const res = await direct.request({ path, method: 'POST', headers: { 'content-type': 'application/json' }, body })
      await res.body.dump()
    },
  })
  for (const m of discord.messages.slice(firstRef)) {
    const n = refBodies.numberIn(JSON.stringify(m.body))
    const at = n === null ? undefined : startedAt.get(n)
    if (at !== undefined) reference.push(m.receivedAt - at)
  }

  // Knocker: the 202's arrival per event number, then the mock's arrival per event number.
  const bodies = new EventBodies()
  const accepted = new Map<number, number>()
  const firstMessage = discord.messages.length
  const started = preciseNow()
  const { sent } = await openLoop({
    rate: rate.perSecond,
    seconds: rate.seconds,
    send: async (i) => {
      const res = await intake.request({ path: '/v1/events', method: 'POST', headers: INTAKE_HEADERS, body: bodies.single(i) })
      await res.body.dump()
      if (res.statusCode === 202) accepted.set(i, preciseNow())
    },
  })
  const sendingEnded = preciseNow()
  await discord.waitForMessages(firstMessage + accepted.size, ARRIVAL_GRACE_MS).catch(() => undefined)
  const arrivals = discord.messages.slice(firstMessage)
  const knocker: number[] = []
  for (const m of arrivals) {
    const n = bodies.numberIn(JSON.stringify(m.body))
    const at = n === null ? undefined : accepted.get(n)
    if (at !== undefined) knocker.push(m.receivedAt - at)
  }
  const deliveredWhileSending = arrivals.filter((m) => m.receivedAt <= sendingEnded).length
  return {
    per_second: rate.perSecond,
    seconds: rate.seconds,
    sent,
    arrived: knocker.length,
    messages: arrivals.length,
    knocker_ms: distribution(knocker),
    reference_ms: distribution(reference),
    delivered_per_s: Math.round(deliveredWhileSending / ((sendingEnded - started) / 1000)),
  }
}
