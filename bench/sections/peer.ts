// 5. A peer: Apprise delivering the same 100 events to the same Discord mock (5 requests per
// 2 s per webhook), as a museum's Python app would use it: the CLI once per event, and the
// library with one Apprise object for all of them. Knocker delivers the same events next to
// it. Each contender has its own webhook (its own rate-limit window); all three run at once.
import { join } from 'node:path'
import { Pool } from 'undici'
import type { KnockerEvent } from '../../src/shared/events'
import { eventSummary } from '../../src/shared/eventSummary'
import type { DiscordMock, MockWebhook } from '../../test/mocks/discordMock'
import { appriseEnv, ensureApprise } from '../lib/apprise'
import { runCommand } from '../lib/command'
import { createDiscordEndpoint, rateLimitedCount, startBenchDiscord } from '../lib/discord'
import { rateLimitBoundSeconds } from '../lib/drainScenario'
import { EventBodies } from '../lib/events'
import { INTAKE_HEADERS } from '../lib/load'
import { ROOT } from '../lib/paths'
import { fmt, type Row } from '../lib/report'
import type { Section } from '../lib/section'
import { startShell } from '../lib/shell'
import { preciseNow, round, sleep } from '../lib/stats'

const EVENTS = 100
/** Apprise's library waits 5.5 s between two messages to one target, so 100 take 9 minutes:
 * more than the whole bench may. It runs for this long (--full: to the end). */
const LIBRARY_CAP_S = 60
/** A CLI process costs about a second of Python start-up on a busy machine; past this the rest
 * is projected from the pace measured (--full: all of them). */
const CLI_CAP_S = 120
const ARRIVAL_TIMEOUT_MS = 120_000

interface PeerRun {
  contender: string
  seconds: number
  /** Events the mock received (distinct). */
  arrived: number
  /** Messages they came in (Knocker sends a backlog as digests by default). */
  messages: number
  /** Sends the sender itself reported as failed. */
  failed: number
  not_tried: number
  rate_limited_429: number
  /** For a run stopped at the cap: the time 100 events take at the pace measured. */
  projected_seconds?: number
}

/** Title and text as a Python app would hand them to Apprise. */
function plainMessage(event: KnockerEvent): { title: string; body: string } {
  const lines: string[] = []
  if (event.event === 'problem_report.created') {
    lines.push(event.problem_report.description, `Problem: ${event.problem_report.problem_type_label}`)
    lines.push(`Reported by: ${event.problem_report.reporter?.display ?? 'Anonymous'}`, event.problem_report.url)
  }
  lines.push(`Machine: ${event.machine.name}${event.machine.location ? ` (${event.machine.location.name})` : ''}`)
  return { title: eventSummary(event), body: lines.join('\n') }
}

function arrivedOn(mock: DiscordMock, hook: MockWebhook, bodies: EventBodies): { count: number; messages: number; lastAt: number | null } {
  const seen = new Set<number>()
  let lastAt: number | null = null
  let messages = 0
  for (const m of mock.messages) {
    if (m.webhookId !== hook.id) continue
    messages++
    for (const n of bodies.numbersIn(JSON.stringify(m.body))) seen.add(n)
    lastAt = m.receivedAt
  }
  return { count: seen.size, messages, lastAt }
}

async function knockerRun(mock: DiscordMock, bodies: EventBodies): Promise<PeerRun> {
  const hook = mock.addWebhook()
  const shell = await startShell()
  try {
    await createDiscordEndpoint(shell.admin, hook.url, 'peer bench')
    const intake = new Pool(shell.url, { connections: 1 })
    const started = preciseNow()
    let failed = 0
    for (let i = 0; i < EVENTS; i++) {
      const res = await intake.request({ path: '/v1/events', method: 'POST', headers: INTAKE_HEADERS, body: bodies.single(i) })
      await res.body.dump()
      if (res.statusCode !== 202) failed++
    }
    await intake.close()
    const deadline = started + ARRIVAL_TIMEOUT_MS
    while (arrivedOn(mock, hook, bodies).count < EVENTS - failed && preciseNow() < deadline) await sleep(100)
    const { count, messages, lastAt } = arrivedOn(mock, hook, bodies)
    return {
      contender: 'Knocker (defaults: digests on)',
      seconds: round(((lastAt ?? preciseNow()) - started) / 1000, 1),
      arrived: count,
      messages,
      failed,
      not_tried: 0,
      rate_limited_429: rateLimitedCount(mock, hook),
    }
  } finally {
    await shell.stop()
  }
}

async function appriseCliRun(mock: DiscordMock, bodies: EventBodies, cli: string, capS: number): Promise<PeerRun> {
  const hook = mock.addWebhook()
  const env = appriseEnv(mock.url)
  const started = preciseNow()
  let failed = 0
  let tried = 0
  for (let i = 0; i < EVENTS && preciseNow() - started < capS * 1000; i++, tried++) {
    const { title, body } = plainMessage(JSON.parse(bodies.single(i)) as KnockerEvent)
    const { code } = await runCommand(cli, ['-t', title, '-b', body, `discord://${hook.id}/${hook.token}`], { env })
    if (code !== 0) failed++
  }
  const seconds = (preciseNow() - started) / 1000
  await sleep(200)
  const arrived = arrivedOn(mock, hook, bodies)
  return {
    contender: 'Apprise CLI, once per event',
    seconds: round(seconds, 1),
    arrived: arrived.count,
    messages: arrived.messages,
    failed,
    not_tried: EVENTS - tried,
    rate_limited_429: rateLimitedCount(mock, hook),
    ...(tried < EVENTS ? { projected_seconds: round((seconds / tried) * EVENTS, 0) } : {}),
  }
}

async function appriseLibraryRun(mock: DiscordMock, bodies: EventBodies, python: string, capS: number): Promise<PeerRun> {
  const hook = mock.addWebhook()
  const job = {
    url: `discord://${hook.id}/${hook.token}`,
    cap_s: capS,
    events: Array.from({ length: EVENTS }, (_, i) => plainMessage(JSON.parse(bodies.single(i)) as KnockerEvent)),
  }
  const { code, stdout, stderr } = await runCommand(python, [join(ROOT, 'bench/peer/appriseLibrary.py')], { env: appriseEnv(mock.url), stdin: JSON.stringify(job) })
  if (code !== 0) throw new Error(`the Apprise library run failed: ${stderr.trim().split('\n').pop()}`)
  const out = JSON.parse(stdout.trim().split('\n').pop()!) as { sent: number; failed: number; not_tried: number; seconds: number }
  const tried = out.sent + out.failed
  const arrived = arrivedOn(mock, hook, bodies)
  return {
    contender: 'Apprise library, one Apprise object',
    seconds: round(out.seconds, 1),
    arrived: arrived.count,
    messages: arrived.messages,
    failed: out.failed,
    not_tried: out.not_tried,
    rate_limited_429: rateLimitedCount(mock, hook),
    ...(out.not_tried > 0 && tried > 1 ? { projected_seconds: round((out.seconds / (tried - 1)) * (EVENTS - 1), 0) } : {}),
  }
}

export const peer: Section = {
  name: 'peer',
  title: '5. A peer: Apprise',
  async run(ctx) {
    const apprise = await ensureApprise(ctx.log)
    const mock = await startBenchDiscord({ rateLimited: true })
    try {
      // Three runs at once, each with its own webhook and event numbers: all three spend their
      // time waiting (on the rate limit or on Apprise's own pacing), not computing.
      const capS = ctx.full ? 3600 : LIBRARY_CAP_S
      const cliCapS = ctx.full ? 3600 : CLI_CAP_S
      ctx.log(`peer: ${EVENTS} events each: Knocker, Apprise CLI per event (capped at ${cliCapS} s), Apprise library (capped at ${capS} s)`)
      const runs = await Promise.all([
        knockerRun(mock, new EventBodies()),
        ...('error' in apprise
          ? []
          : [appriseCliRun(mock, new EventBodies(), apprise.cli, cliCapS), appriseLibraryRun(mock, new EventBodies(), apprise.python, capS)]),
      ])
      const bound = rateLimitBoundSeconds(EVENTS)
      const rows: Row[] = runs.map((r) => ({
        measure: r.contender,
        knocker:
          `${fmt.s(r.seconds)}: ${r.arrived} of ${EVENTS} arrived in ${r.messages} messages, ${r.failed} failed` +
          (r.not_tried ? `, ${r.not_tried} not tried within the bench's time cap (at that pace all ${EVENTS}: ≈ ${fmt.s(r.projected_seconds ?? NaN)})` : '') +
          `, ${r.rate_limited_429} × 429`,
        reference: r.contender.startsWith('Knocker') ? `rate-limit bound ${fmt.s(bound)} at one event per message` : '',
        target: '',
        verdict: 'info',
      }))
      if ('error' in apprise) rows.push({ measure: 'Apprise', knocker: `not measured: ${apprise.error}`, reference: '', target: '', verdict: 'info' })
      return {
        rows,
        figures: { runs, apprise: 'error' in apprise ? apprise : { ...apprise }, events: EVENTS, library_cap_s: capS, cli_cap_s: cliCapS, bound_s: bound },
        notes: [
          `Each contender sends the same ${EVENTS} problem reports to its own webhook of one Discord mock (5 requests per 2 s per webhook). ` +
            'Times run from the first event handed over to the last one arriving (Knocker) or the sender finishing (Apprise). "Failed" is what the sender ' +
            'reported; "arrived" is what the mock received.',
          `Apprise ${'error' in apprise ? '' : apprise.version + ' '}is the Debian package; a sitecustomize shim on PYTHONPATH only points its Discord ` +
            'plugin at the mock (bench/peer/apprise-shim). Apprise 1.2 has no Discord rate-limit handling: a fresh CLI process sends at once and a 429 ' +
            'is a lost message; one Apprise object waits 5.5 s between messages to the same target (its default throttle).',
        ],
      }
    } finally {
      await mock.close()
    }
  },
}
