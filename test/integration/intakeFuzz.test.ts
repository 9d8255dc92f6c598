// Intake survives any body. Thousands of generated requests (test/hostile/fuzzBodies.ts,
// seeded: FUZZ_SEED=<seed> replays a run) against the real HTTP server and a real SQLite
// file: every invalid one gets its 4xx with the error shape and stores nothing; every valid
// one, full of mentions and markup, is stored exactly as validated and reaches the real
// mocks of all five destinations harmlessly (checked on what the mocks received).
import { Readable, Writable } from 'node:stream'
import { Agent, request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/main/core/log/logger'
import { channels } from '../../src/main/core/channels/registry'
import { createEmailChannel } from '../../src/main/core/channels/email'
import type { ChannelRegistry } from '../../src/main/core/channels/registry'
import { ApiErrorBodySchema } from '../../src/shared/contracts'
import { EventSchema, type EventType, type KnockerEvent } from '../../src/shared/events'
import { CONTACT_SENTINEL, createFuzzCases, type FuzzCase } from '../hostile/fuzzBodies'
import { discordProblems, emailProblems, slackProblems, teamsProblems } from '../hostile/inspect'
import { createRng, seedFromEnv } from '../hostile/prng'
import { startSlackMock, type SlackMock } from '../mocks/slackMock'
import { startSmtpMock, type SmtpMock } from '../mocks/smtpMock'
import { startTeamsMock, type TeamsMock } from '../mocks/teamsMock'
import { startWebhookReceiver, type WebhookReceiver } from '../mocks/webhookReceiver'
import { INGEST_TOKEN, startHarness, type Harness } from './harness'

const CASES = Number(process.env.FUZZ_CASES ?? 3200)
const CONCURRENCY = 16
const EMAIL_TYPE: EventType = 'machine.location_changed'

// Which destination gets which event types (the webhook gets everything).
const SUBSCRIPTIONS: Record<'discord' | 'slack' | 'teams' | 'email', EventType[]> = {
  discord: ['problem_report.created', 'machine.status_changed', 'machine.created'],
  slack: ['problem_report.closed', 'problem_report.reopened'],
  teams: ['log_entry.created', 'machine.created'],
  email: [EMAIL_TYPE],
}

// Pacing is not what this test is about: without it a few hundred messages take seconds, not
// minutes. Formatting, sending and classifying are the real channels'.
const email = createEmailChannel()
const unpaced: ChannelRegistry = {
  ...channels,
  slack: { ...channels.slack, pacing: undefined },
  teams: { ...channels.teams, pacing: undefined },
  email: { ...email, pacing: undefined } as ChannelRegistry['email'],
}

let h: Harness | undefined
let slack: SlackMock | undefined
let teams: TeamsMock | undefined
let smtp: SmtpMock | undefined
let receiver: WebhookReceiver | undefined
afterEach(async () => {
  await client.close()
  await h?.close()
  await Promise.all([slack?.close(), teams?.close(), smtp?.close(), receiver?.close()])
})

interface Answer {
  status: number
  json: any
  text: string
}

// Keep-alive connections are reused, so a request that spoils its connection (a reset after
// an oversized chunked body, say) shows up as a failure of the next one.
const client = new Agent({ connections: CONCURRENCY })

async function send(url: string, c: FuzzCase): Promise<Answer> {
  const headers: Record<string, string> = {}
  if (c.contentType) headers['content-type'] = c.contentType
  if (c.token === 'ingest') headers.authorization = `Bearer ${INGEST_TOKEN}`
  if (c.token === 'wrong') headers.authorization = 'Bearer not-the-ingest-token-at-all'
  const bytes = c.body
  // A generator body has no length: undici sends it chunked.
  const body = bytes && c.chunked ? Readable.from(chunks(bytes)) : bytes
  try {
    const res = await request(`${url}/v1/events`, { method: c.method, headers, body, dispatcher: client })
    const text = await res.body.text()
    let json: any
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: res.statusCode, json, text }
  } catch (error) {
    return { status: 0, json: undefined, text: `request failed: ${(error as { code?: string }).code ?? (error as Error).message}` }
  }
}

async function* chunks(bytes: Buffer) {
  for (let i = 0; i < bytes.length; i += 1000) yield bytes.subarray(i, i + 1000)
}

describe('intake fuzz', () => {
  it(`answers ${CASES} generated bodies correctly, stores only valid events and delivers hostile text harmlessly`, async () => {
    const seed = seedFromEnv()
    console.log(`intake fuzz: seed ${seed} (replay with FUZZ_SEED=${seed})`)
    const started = Date.now()

    // Warnings and errors only: debug lines for thousands of requests cost more than the requests.
    const errors: string[] = []
    const logger = createLogger({
      level: 'warn',
      destination: new Writable({
        write(chunk, _encoding, done) {
          if (JSON.parse(String(chunk)).level >= 50) errors.push(String(chunk))
          done()
        },
      }),
    })
    h = await startHarness({
      discord: { perWebhookLimit: 1_000_000, perChannelLimit: 1_000_000 },
      core: { channels: unpaced, logger },
    })
    ;[slack, teams, smtp, receiver] = await Promise.all([
      startSlackMock({ bucketCapacity: 1_000_000 }),
      startTeamsMock(),
      startSmtpMock(),
      startWebhookReceiver(),
    ])
    const create = async (body: Record<string, unknown>) => {
      const res = await h!.admin('POST', '/api/endpoints', body)
      expect(res.status, JSON.stringify(res.json)).toBe(201)
      return res.json
    }
    await create({ name: 'Discord', kind: 'discord', url: h.discord.addWebhook().url, events: SUBSCRIPTIONS.discord })
    // Discord may send digests (one embed per event, counted below); the others send one
    // message per event, so what each mock got can be counted against what was accepted.
    // (Digests of hostile events are checked format by format in test/unit/hostileInput.test.ts.)
    await create({ name: 'Slack', kind: 'slack', url: slack.addWebhook().url, events: SUBSCRIPTIONS.slack, options: { digests: false } })
    await create({ name: 'Teams', kind: 'teams', url: teams.addWorkflow().url, events: SUBSCRIPTIONS.teams, options: { digests: false } })
    await create({
      name: 'Mail',
      kind: 'email',
      smtp: { host: smtp.host, port: smtp.port, security: 'none' },
      from: 'Knocker <knocker@museum.test>',
      to: ['ken@museum.test'],
      events: SUBSCRIPTIONS.email,
      options: { digests: false },
    })
    const webhook = await create({ name: 'Webhook', kind: 'webhook', url: receiver.urlFor('/hooks') })
    receiver.setSecrets([webhook.signing_secret])

    // --- send everything ---------------------------------------------------------------------
    const cases = createFuzzCases(createRng(seed), CASES, { type: EMAIL_TYPE, max: 8 })
    const generatedAt = Date.now()
    const answers = new Array<Answer>(cases.length)
    let cursor = 0
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (cursor < cases.length) {
          const c = cases[cursor++]
          answers[c.n] = await send(h!.url, c)
        }
      }),
    )
    const sentAt = Date.now()

    // --- every answer is the one the case calls for --------------------------------------------
    const byKind = new Map<string, { count: number; statuses: Map<number, number> }>()
    const wrong: string[] = []
    const accepted = new Map<string, KnockerEvent>()
    for (const c of cases) {
      const answer = answers[c.n]
      const tally = byKind.get(c.kind) ?? { count: 0, statuses: new Map() }
      tally.count += 1
      tally.statuses.set(answer.status, (tally.statuses.get(answer.status) ?? 0) + 1)
      byKind.set(c.kind, tally)
      if (!c.statuses.includes(answer.status)) {
        wrong.push(`#${c.n} ${c.kind}: wanted ${c.statuses.join('/')}, got ${answer.status} ${answer.text.slice(0, 300)}`)
        continue
      }
      if (answer.status >= 400) {
        if (!ApiErrorBodySchema.safeParse(answer.json).success) wrong.push(`#${c.n} ${c.kind}: error body ${answer.text.slice(0, 200)}`)
        continue
      }
      const results = c.events.length === 1 && !answer.json.events ? [answer.json] : answer.json.events
      c.events.forEach((event, i) => {
        if (results?.[i]?.event_id !== event.event_id || results[i].duplicate) wrong.push(`#${c.n}: event ${i} not accepted as new`)
        accepted.set(event.event_id, event)
      })
    }
    const summary = [...byKind].map(([kind, t]) => `${kind}: ${t.count} (${[...t.statuses].map(([s, n]) => `${s}×${n}`).join(', ')})`)
    console.log(
      `intake fuzz: ${cases.length} requests generated in ${generatedAt - started} ms, answered in ${sentAt - generatedAt} ms\n  ${summary.join('\n  ')}`,
    )
    expect(wrong).toEqual([])
    expect(cases.length).toBeGreaterThanOrEqual(3000)
    expect(accepted.size).toBeGreaterThan(200)

    // Duplicates of accepted events are recognised, not stored again.
    const again = [...accepted.values()].filter((_, i) => i % 20 === 0)
    for (const event of again) {
      const res = await send(h.url, { n: -1, kind: 'duplicate', method: 'POST', body: Buffer.from(JSON.stringify(event)), contentType: 'application/json', token: 'ingest', chunked: false, statuses: [200], events: [] })
      expect(res.status).toBe(200)
      expect(res.json).toEqual({ event_id: event.event_id, duplicate: true, deliveries: [] })
    }

    // --- still alive; the store holds exactly the accepted events, as validated -----------------
    expect((await request(`${h.url}/healthz`, { dispatcher: client })).statusCode).toBe(200)
    expect(errors).toEqual([])
    expect(({} as any).polluted).toBeUndefined()
    const rows = h.core.db.$client.prepare('select event_id, payload from events where is_test = 0').all() as Array<{ event_id: string; payload: string }>
    expect(rows.map((r) => r.event_id).sort()).toEqual([...accepted.keys()].sort())
    for (const row of rows) {
      expect(row.payload).not.toContain(CONTACT_SENTINEL)
      const stored = JSON.parse(row.payload)
      expect(EventSchema.safeParse(stored).success).toBe(true)
      expect(stored).toEqual(accepted.get(row.event_id))
    }

    // --- every delivery arrives, once, harmless --------------------------------------------------
    const count = (types: EventType[]) => [...accepted.values()].filter((e) => types.includes(e.event)).length
    const expected = {
      discord: count(SUBSCRIPTIONS.discord),
      slack: count(SUBSCRIPTIONS.slack),
      teams: count(SUBSCRIPTIONS.teams),
      email: count(SUBSCRIPTIONS.email),
      webhook: accepted.size,
    }
    const total = Object.values(expected).reduce((a, b) => a + b, 0)
    const delivered = () => (h!.core.db.$client.prepare("select count(*) as n from deliveries where status = 'delivered'").get() as { n: number }).n
    // Polled gently: a count every few milliseconds would compete with the deliveries for the CPU.
    for (const deadline = Date.now() + 30_000; delivered() < total; await new Promise((r) => setTimeout(r, 100))) {
      if (Date.now() > deadline) {
        const statuses = h.core.db.$client.prepare('select status, last_error, count(*) as n from deliveries group by status, last_error').all()
        throw new Error(`${delivered()} of ${total} deliveries after 30 s: ${JSON.stringify(statuses).slice(0, 2000)}`)
      }
    }
    expect(delivered()).toBe(total)
    await teams.waitForRuns(expected.teams, 5000)
    console.log(`intake fuzz: ${total} deliveries of ${accepted.size} accepted events delivered ${Date.now() - sentAt} ms after the last request (${JSON.stringify(expected)})`)

    expect(h.discord.messages.flatMap((m) => m.body.embeds as unknown[])).toHaveLength(expected.discord)
    expect(slack.messages).toHaveLength(expected.slack)
    expect(teams.runs).toHaveLength(expected.teams)
    expect(smtp.messages).toHaveLength(expected.email)
    expect(receiver.requests).toHaveLength(expected.webhook)

    const problems: string[] = []
    const note = (where: string, found: string[]) => problems.push(...found.map((p) => `${where}: ${p}`))
    h.discord.messages.forEach((m, i) => note(`discord #${i}`, discordProblems(m.body)))
    slack.messages.forEach((m, i) => note(`slack #${i}`, slackProblems(m.body)))
    teams.runs.forEach((run, i) => {
      if (run.status !== 'succeeded') problems.push(`teams #${i}: run ${run.status}: ${run.reason}`)
      note(`teams #${i}`, teamsProblems(run.message))
    })
    smtp.messages.forEach((m, i) => note(`email #${i}`, emailProblems(m.parsed)))
    for (const request of receiver.requests) {
      const body = receiver.json(request)
      if (!request.verified) problems.push(`webhook ${body.data?.event_id}: signature not verified`)
      if (JSON.stringify(body.data) !== JSON.stringify(accepted.get(body.data?.event_id))) {
        problems.push(`webhook ${body.data?.event_id}: data differs from the accepted event`)
      }
    }
    expect(problems.slice(0, 20)).toEqual([])
    console.log(`intake fuzz: done in ${Date.now() - started} ms`)
  }, 60_000)
})
