// A backlog drain: N Discord endpoints point at a port where nothing listens (the museum is
// offline), M events are accepted and fail to go out (connection refused), then the Discord
// mock opens on that port, enforcing 5 requests per 2 s per webhook, and every event must
// arrive. Measured at the mock, against the lower bound the rate limit allows.
import { Pool } from 'undici'
import type { DiscordMock } from '../../test/mocks/discordMock'
import {
  DISCORD_LIMIT,
  closedPort,
  createDiscordEndpoint,
  rateLimitedCount,
  startBenchDiscord,
  webhookCredentials,
  webhookUrl,
} from './discord'
import { discordDigestOptions } from './digestOption'
import { EventBodies } from './events'
import { INTAKE_HEADERS } from './load'
import type { Shell } from './shell'
import { preciseNow, round, sleep } from './stats'

/** Most embeds Discord takes in one message: the most events a digest can carry. */
export const DISCORD_MAX_EMBEDS = 10
const POST_BATCH = 100

export interface DrainResult {
  endpoints: number
  events_per_endpoint: number
  /** The endpoints' options: digests switched on or off. */
  endpoint_options: Record<string, unknown>
  digests: boolean
  events_delivered: number
  duplicates: number
  messages: number
  /** From the mock opening to the last event arriving. */
  drain_s: number | null
  /** From the mock opening to the first message (the endpoint's scheduled network retry). */
  first_message_s: number | null
  /** The least time the rate limit allows for this many messages, per endpoint. */
  bound_s: number
  ratio_to_bound: number | null
  rate_limited_429: number
  peak_rss_mb: number | null
  timed_out: boolean
}

/** Seconds the rate limit needs at least for `messages` messages: 5 go at once, then 5 per
 * 2 s window; the last one goes at the start of its window. */
export function rateLimitBoundSeconds(messages: number): number {
  return (Math.floor((messages - 1) / DISCORD_LIMIT.requests) * DISCORD_LIMIT.windowMs) / 1000
}

export async function drainScenario(
  shell: Shell,
  opts: { endpoints: number; eventsPerEndpoint: number; digests: boolean; log?: (line: string) => void },
): Promise<DrainResult> {
  const digestOptions = discordDigestOptions()
  if (opts.digests && !digestOptions) throw new Error('this version of Knocker has no digest option for Discord endpoints')
  // Without the option at all, every message carries one event anyway.
  const endpointOptions = digestOptions ? (opts.digests ? digestOptions.on : digestOptions.off) : {}
  const port = await closedPort()
  const hooks = Array.from({ length: opts.endpoints }, (_, i) => webhookCredentials(i))
  for (const [i, hook] of hooks.entries()) {
    await createDiscordEndpoint(shell.admin, webhookUrl(port, hook), `drain ${i}`, endpointOptions)
  }

  // The events, while Discord can't be reached: each endpoint's first attempt is refused.
  const bodies = new EventBodies()
  const intake = new Pool(shell.url, { connections: 4 })
  for (let first = 0; first < opts.eventsPerEndpoint; first += POST_BATCH) {
    const count = Math.min(POST_BATCH, opts.eventsPerEndpoint - first)
    const res = await intake.request({ path: '/v1/events', method: 'POST', headers: INTAKE_HEADERS, body: bodies.batch(first, count) })
    await res.body.dump()
    if (res.statusCode !== 202) throw new Error(`intake answered ${res.statusCode} while queueing the backlog`)
  }
  await intake.close()
  const failedOnce = async () => {
    const { deliveries } = await shell.admin.listDeliveries({ status: 'retrying', limit: 500 })
    return new Set(deliveries.map((d) => d.endpoint_id)).size >= opts.endpoints
  }
  await waitFor(failedOnce, 15_000, 'every endpoint to fail once')

  shell.resetPeakMemory()
  const mock = await startBenchDiscord({ rateLimited: true, port })
  const reopenedAt = preciseNow()
  for (const hook of hooks) mock.addWebhook({ id: hook.id, token: hook.token })
  const expected = opts.endpoints * opts.eventsPerEndpoint
  const messagesPerEndpoint = opts.digests ? Math.ceil(opts.eventsPerEndpoint / DISCORD_MAX_EMBEDS) : opts.eventsPerEndpoint
  const bound = rateLimitBoundSeconds(messagesPerEndpoint)
  opts.log?.(
    `drain: ${opts.endpoints} endpoint(s) × ${opts.eventsPerEndpoint} events${opts.digests ? ' (digests)' : ''}, Discord back; ` +
      `the rate limit allows ${bound} s at best`,
  )

  const tally = new ArrivalTally(mock, bodies)
  const deadline = reopenedAt + (bound * 2 + 60) * 1000
  while (tally.delivered < expected && preciseNow() < deadline) {
    await sleep(100)
    tally.update()
  }
  const timedOut = tally.delivered < expected
  const result: DrainResult = {
    endpoints: opts.endpoints,
    events_per_endpoint: opts.eventsPerEndpoint,
    endpoint_options: endpointOptions,
    digests: opts.digests,
    events_delivered: tally.delivered,
    duplicates: tally.duplicates,
    messages: tally.messages,
    drain_s: timedOut || tally.lastAt === null ? null : round((tally.lastAt - reopenedAt) / 1000, 1),
    first_message_s: tally.firstAt === null ? null : round((tally.firstAt - reopenedAt) / 1000, 2),
    bound_s: bound,
    ratio_to_bound: null,
    rate_limited_429: hooks.reduce((n, hook) => n + rateLimitedCount(mock, hook), 0),
    peak_rss_mb: shell.memory()?.peak_mb ?? null,
    timed_out: timedOut,
  }
  if (result.drain_s !== null && bound > 0) result.ratio_to_bound = round(result.drain_s / bound, 2)
  await mock.close()
  return result
}

/** Counts events (by webhook and event number) in what the mock received, incrementally. */
class ArrivalTally {
  private seen = new Set<string>()
  private read = 0
  duplicates = 0
  messages = 0
  firstAt: number | null = null
  lastAt: number | null = null

  constructor(
    private readonly mock: DiscordMock,
    private readonly bodies: EventBodies,
  ) {}

  get delivered(): number {
    return this.seen.size
  }

  update(): void {
    for (; this.read < this.mock.messages.length; this.read++) {
      const message = this.mock.messages[this.read]
      this.messages++
      this.firstAt ??= message.receivedAt
      this.lastAt = message.receivedAt
      for (const n of this.bodies.numbersIn(JSON.stringify(message.body))) {
        const key = `${message.webhookId}:${n}`
        if (this.seen.has(key)) this.duplicates++
        else this.seen.add(key)
      }
    }
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}
