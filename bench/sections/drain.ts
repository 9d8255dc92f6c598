// 3. Backlog drain: 1,000 events queued while the Discord webhook (5 requests per 2 s) could
// not be reached; time to deliver them all once it is back, and the 429s collected, against
// the lower bound the rate limit allows, without and (when Knocker has them) with digests.
import { discordDigestOptions } from '../lib/digestOption'
import { DISCORD_MAX_EMBEDS, drainScenario, rateLimitBoundSeconds, type DrainResult } from '../lib/drainScenario'
import { atMost, fmt, type Row } from '../lib/report'
import type { Section } from '../lib/section'
import { startShell } from '../lib/shell'

export const DRAIN_EVENTS = 1000
const TARGET_RATIO = 1.2
const TARGET_429 = 1

async function drainOnce(digests: boolean, log: (line: string) => void): Promise<DrainResult> {
  const shell = await startShell()
  try {
    return await drainScenario(shell, { endpoints: 1, eventsPerEndpoint: DRAIN_EVENTS, digests, log })
  } finally {
    await shell.stop()
  }
}

export function drainRows(label: string, r: DrainResult): Row[] {
  const missing = r.endpoints * r.events_per_endpoint - r.events_delivered
  return [
    {
      measure: `${label}: time to deliver all`,
      knocker:
        r.drain_s === null
          ? `${fmt.int(r.events_delivered)} of ${fmt.int(r.endpoints * r.events_per_endpoint)} delivered, then timed out`
          : `${fmt.s(r.drain_s)} = ${r.ratio_to_bound}× the bound (first message after ${fmt.s(r.first_message_s ?? 0)}; ${fmt.int(r.messages)} messages)`,
      reference: `bound ${fmt.s(r.bound_s)}`,
      target: `≤ ${TARGET_RATIO}× the bound`,
      verdict: r.ratio_to_bound === null || missing > 0 || r.duplicates > 0 ? 'missed' : atMost(r.ratio_to_bound, TARGET_RATIO),
    },
    {
      measure: `${label}: 429s collected`,
      knocker: fmt.int(r.rate_limited_429) + (r.duplicates ? ` (and ${r.duplicates} events delivered twice)` : ''),
      reference: '',
      target: `≤ ${TARGET_429}`,
      verdict: atMost(r.rate_limited_429, TARGET_429),
    },
  ]
}

export const drain: Section = {
  name: 'drain',
  title: '3. Backlog drain after an outage',
  async run(ctx) {
    const digestOptions = discordDigestOptions()
    // Both drains wait on the rate limit almost all the time: run side by side.
    const [plain, digested] = await Promise.all([
      drainOnce(false, ctx.log),
      digestOptions ? drainOnce(true, ctx.log) : Promise.resolve(null),
    ])
    const rows = drainRows(`${fmt.int(DRAIN_EVENTS)} events, one message each${digestOptions ? ` (${JSON.stringify(digestOptions.off)})` : ''}`, plain)
    if (digested) rows.push(...drainRows(`${fmt.int(DRAIN_EVENTS)} events, digests (${JSON.stringify(digestOptions!.on)})`, digested))
    else {
      rows.push({
        measure: `${fmt.int(DRAIN_EVENTS)} events, digests`,
        knocker: 'not available yet: Discord endpoints have no digest option in this version',
        reference: `bound ${fmt.s(rateLimitBoundSeconds(Math.ceil(DRAIN_EVENTS / DISCORD_MAX_EMBEDS)))}`,
        target: `≤ ${TARGET_RATIO}× the bound`,
        verdict: 'info',
      })
    }
    return {
      rows,
      figures: { without_digests: plain, with_digests: digested, digest_options: digestOptions },
      notes: [
        'The endpoint points at a port of 127.0.0.1 where nothing listens; the events are accepted and the first attempt is refused. ' +
          'Then the Discord mock (test/mocks/discordMock) opens on that port with 5 requests per 2 s per webhook; its hidden ' +
          'per-channel limit is off, as the scenario names only the webhook limit.',
        'Times run from the moment the mock listens again. The bound is the rate limit alone: 5 messages at once, then 5 per 2 s; ' +
          `with digests ${DISCORD_MAX_EMBEDS} events (embeds) per message.`,
      ],
    }
  },
}
