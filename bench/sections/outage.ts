// 8. Back after an outage: how soon the first message goes once the network returns. One
// Discord endpoint points at a port of 127.0.0.1 where nothing listens (connection refused,
// as when the museum's line is down) for 20 s and for 60 s while events come in; then the
// mock opens on that port. Any outage longer than ~14 s is in the probes' steady rhythm, so
// these two stand for every longer one.
import { Pool } from 'undici'
import { closedPort, createDiscordEndpoint, startBenchDiscord, webhookCredentials, webhookUrl } from '../lib/discord'
import { EventBodies } from '../lib/events'
import { INTAKE_HEADERS } from '../lib/load'
import { atMost, fmt, type Row } from '../lib/report'
import type { Section } from '../lib/section'
import { startShell, type Shell } from '../lib/shell'
import { preciseNow, round, sleep } from '../lib/stats'

const OUTAGES_S = [20, 60]
const TARGET_FIRST_S = 10
const GIVE_UP_S = 90

async function firstMessageAfter(shell: Shell, outageS: number, n: number): Promise<{ first_s: number | null; events: number }> {
  const port = await closedPort()
  const hook = webhookCredentials(900 + n)
  await createDiscordEndpoint(shell.admin, webhookUrl(port, hook), `outage ${outageS} s`)
  const bodies = new EventBodies()
  const intake = new Pool(shell.url, { connections: 2 })
  const started = preciseNow()
  let sent = 0
  // An event every 2 s through the outage: the first is refused and puts Knocker offline.
  while (preciseNow() - started < outageS * 1000) {
    const res = await intake.request({ path: '/v1/events', method: 'POST', headers: INTAKE_HEADERS, body: bodies.single(n * 1000 + sent++) })
    await res.body.dump()
    if (res.statusCode !== 202) throw new Error(`intake answered ${res.statusCode}`)
    await sleep(2000)
  }
  await intake.close()
  const mock = await startBenchDiscord({ rateLimited: false, port })
  const reopenedAt = preciseNow()
  mock.addWebhook(hook)
  try {
    while (mock.messages.length === 0 && preciseNow() - reopenedAt < GIVE_UP_S * 1000) await sleep(50)
    const first = mock.messages[0]?.receivedAt
    return { first_s: first === undefined ? null : round((first - reopenedAt) / 1000, 2), events: sent }
  } finally {
    await mock.close()
  }
}

export const outage: Section = {
  name: 'outage',
  title: '8. Back after an outage',
  async run(ctx) {
    const rows: Row[] = []
    const figures: Record<string, unknown> = {}
    for (const [i, seconds] of OUTAGES_S.entries()) {
      ctx.log(`outage: ${seconds} s with the destination unreachable, then back`)
      const shell = await startShell()
      try {
        const result = await firstMessageAfter(shell, seconds, i)
        figures[`outage_${seconds}s`] = result
        rows.push({
          measure: `first message after a ${seconds} s outage, from the network's return`,
          knocker: result.first_s === null ? `none within ${GIVE_UP_S} s` : fmt.s(result.first_s),
          reference: '',
          target: `≤ ${TARGET_FIRST_S} s`,
          verdict: result.first_s === null ? 'missed' : atMost(result.first_s, TARGET_FIRST_S),
        })
      } finally {
        await shell.stop()
      }
    }
    return {
      rows,
      figures,
      notes: [
        'One Discord endpoint at a port of 127.0.0.1 where nothing listens, an event every 2 s; then the Discord mock opens on that port. ' +
          'Timed from the mock listening to its first message. While offline Knocker probes with a HEAD of the destination\'s origin (no message), ' +
          'after 2 s, 4 s, then every 8 s, one at a time.',
      ],
    }
  },
}
