// Discord-compatible sources: an app that posts to a Discord webhook URL posts to Knocker
// instead, unchanged. Judged by a real Discord client (discord.js's WebhookClient), by
// Discord's own error shapes, and by what every destination's mock receives.
import { WebhookClient } from 'discord.js'
import { afterEach, describe, expect, it } from 'vitest'
import { FLIPFIX_PAYLOADS } from '../fixtures/flipfixDiscord'
import { discordProblems, emailProblems, slackProblems, teamsProblems } from '../hostile/inspect'
import { startNetworkSwitch, type NetworkSwitch } from '../mocks/networkSwitch'
import { startSlackMock, type SlackMock } from '../mocks/slackMock'
import { startSmtpMock, type SmtpMock } from '../mocks/smtpMock'
import { startTeamsMock, type TeamsMock } from '../mocks/teamsMock'
import { startWebhookReceiver, type WebhookReceiver } from '../mocks/webhookReceiver'
import { startHarness, waitFor, type Harness } from './harness'

let h: Harness | undefined
let slack: SlackMock | undefined
let teams: TeamsMock | undefined
let smtp: SmtpMock | undefined
let receiver: WebhookReceiver | undefined
let client: WebhookClient | undefined
const switches: NetworkSwitch[] = []
afterEach(async () => {
  client?.destroy()
  for (const s of switches.splice(0)) await s.close()
  await h?.close()
  await Promise.all([slack?.close(), teams?.close(), smtp?.close(), receiver?.close()])
  h = slack = teams = smtp = receiver = client = undefined
})

const until = <T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000) => waitFor(fn, timeoutMs, what)

async function harness(opts: Parameters<typeof startHarness>[0] = {}) {
  h = await startHarness(opts)
  h.core.setIntakeUrl(`${h.url}/v1/events`)
  return h
}

const ALL_LABELS = ['flipfix.problem_report', 'flipfix.log_entry', 'flipfix.digest', 'flipfix.nightly_report', 'relayed']

async function createSource(name: string, routes: Array<{ endpoint_id: string; labels?: string[] }> = []) {
  const res = await h!.admin('POST', '/api/sources', { name, routes: routes.map((r) => ({ labels: ALL_LABELS, ...r })) })
  expect(res.status, JSON.stringify(res.json)).toBe(201)
  return res.json as { id: string; token: string; full_url: string; url: string }
}

/** POST a body to a source URL as an app would. */
async function execute(url: string, body: unknown, init: { query?: string; contentType?: string } = {}) {
  const res = await fetch(url + (init.query ?? ''), {
    method: 'POST',
    headers: { 'content-type': init.contentType ?? 'application/json' },
    body: typeof body === 'string' || body instanceof FormData ? body : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) : undefined }
}

const countEvents = () => (h!.core.db.$client.prepare('select count(*) n from events').get() as { n: number }).n

describe('Discord-compatible source URLs', () => {
  it('are created with a Discord-shaped URL, shown redacted afterwards, rotated and deleted', async () => {
    await harness()
    const source = await createSource('Flipfix')
    const match = /^http:\/\/127\.0\.0\.1:\d+\/api\/webhooks\/(\d{17,19})\/([A-Za-z0-9_-]{68})$/.exec(source.full_url)
    expect(match, source.full_url).not.toBeNull()
    expect(match![1]).toBe(source.id)
    expect(match![2]).toBe(source.token)

    const listed = (await h!.admin('GET', '/api/sources')).json.sources
    expect(listed).toHaveLength(1)
    expect(JSON.stringify(listed)).not.toContain(source.token)
    expect(listed[0].url).toContain(`/api/webhooks/${source.id}/[redacted]…${source.token.slice(-4)}`)
    // The token is stored sealed, not in clear.
    const row = h!.core.db.$client.prepare('select * from relay_sources').get() as Record<string, unknown>
    expect(JSON.stringify(row)).not.toContain(source.token)

    expect((await execute(source.full_url, { content: 'hello' })).status).toBe(204)
    const rotated = (await h!.admin('POST', `/api/sources/${source.id}/rotate-token`)).json
    expect(rotated.token).not.toBe(source.token)
    expect(await execute(source.full_url, { content: 'old token' })).toEqual({
      status: 401,
      json: { code: 50027, message: 'Invalid Webhook Token' },
    })
    expect((await execute(rotated.full_url, { content: 'new token' })).status).toBe(204)

    expect((await h!.admin('DELETE', `/api/sources/${source.id}`)).status).toBe(200)
    expect(await execute(rotated.full_url, { content: 'gone' })).toEqual({ status: 404, json: { code: 10015, message: 'Unknown Webhook' } })
    expect((await h!.admin('GET', '/api/sources')).json.sources).toEqual([])
  })

  it("answer discord.js's WebhookClient as Discord does: text, embeds and a wait=true send", async () => {
    await harness()
    const { endpoint } = await h!.addDiscordEndpoint({ name: 'Maintainers channel' })
    const source = await createSource('Scripts', [{ endpoint_id: endpoint.id }])
    client = new WebhookClient({ id: source.id, token: source.token }, { rest: { api: `${h!.url}/api`, retries: 0 } })

    // discord.js always sends with ?wait=true and gets Discord's message object back.
    const text = await client.send('Pinball night is on 🎱')
    expect(text).toMatchObject({ content: 'Pinball night is on 🎱', webhook_id: source.id, channel_id: source.id, embeds: [] })
    expect(text.id).toMatch(/^\d{17,19}$/)
    expect(Date.parse(text.timestamp)).toBeGreaterThan(0)

    const withEmbed = await client.send({
      username: 'Workshop bot',
      embeds: [{ title: 'Gorgar is back', description: 'Replaced the **flipper** coil', color: 0x2ecc71, fields: [{ name: 'By', value: 'ken' }] }],
    })
    expect(withEmbed.embeds[0]).toMatchObject({ title: 'Gorgar is back', color: 0x2ecc71, fields: [{ name: 'By', value: 'ken' }] })
    expect(withEmbed.author.username).toBe('Workshop bot')
    expect(withEmbed.id).not.toBe(text.id)

    // Both reach the Discord endpoint as sent, in order, mentions kept off.
    const messages = await h!.discord.waitForMessages(2)
    expect(messages[0].body).toMatchObject({ content: 'Pinball night is on 🎱', allowed_mentions: { parse: [] } })
    expect(messages[1].body).toMatchObject({ username: 'Workshop bot', embeds: [{ title: 'Gorgar is back', description: 'Replaced the **flipper** coil' }] })

    // A plain POST without wait gets 204 and no body, like Discord.
    const plain = await fetch(source.full_url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"content":"no wait"}' })
    expect(plain.status).toBe(204)
    expect(await plain.text()).toBe('')

    // Wrong token: discord.js sees Discord's error.
    const wrong = new WebhookClient({ id: source.id, token: 'x'.repeat(68) }, { rest: { api: `${h!.url}/api`, retries: 0 } })
    await expect(wrong.send('nope')).rejects.toMatchObject({ code: 50027, status: 401 })
    wrong.destroy()
  })

  it('take multipart/form-data with payload_json, and refuse file uploads clearly', async () => {
    await harness()
    const { endpoint } = await h!.addDiscordEndpoint()
    const source = await createSource('Uptime Kuma', [{ endpoint_id: endpoint.id }])
    const form = new FormData()
    form.set('payload_json', JSON.stringify({ content: 'Museum router is down', embeds: [{ title: '🔴 Down' }] }))
    const sent = await fetch(`${source.full_url}?wait=true`, { method: 'POST', body: form })
    expect(sent.status).toBe(200)
    expect(await sent.json()).toMatchObject({ content: 'Museum router is down', embeds: [{ type: 'rich', title: '🔴 Down' }] })

    const withFile = new FormData()
    withFile.set('payload_json', JSON.stringify({ content: 'see attached' }))
    withFile.set('files[0]', new Blob(['hello'], { type: 'text/plain' }), 'notes.txt')
    const refused = await fetch(source.full_url, { method: 'POST', body: withFile })
    expect(refused.status).toBe(400)
    const body = await refused.json()
    expect(body).toMatchObject({ code: 50035, message: 'Invalid Form Body' })
    expect(body.errors.files._errors[0].message).toMatch(/file uploads are not accepted/)

    const [message] = await h!.discord.waitForMessages(1)
    expect(message.body).toMatchObject({ content: 'Museum router is down', embeds: [{ title: '🔴 Down' }] })
    await h!.settle()
    expect(h!.discord.messages).toHaveLength(1)
  })

  it("answer invalid bodies with Discord's errors and store nothing", async () => {
    await harness()
    const { endpoint } = await h!.addDiscordEndpoint()
    const source = await createSource('Scripts', [{ endpoint_id: endpoint.id }])
    const url = source.full_url
    const before = countEvents()

    expect(await execute(url, {})).toEqual({ status: 400, json: { code: 50006, message: 'Cannot send an empty message' } })
    expect(await execute(url, { content: '   ', components: [{ type: 1 }] })).toMatchObject({ status: 400, json: { code: 50006 } })
    expect(await execute(url, '{"content": "half', { contentType: 'application/json' })).toEqual({
      status: 400,
      json: { code: 50109, message: 'The request body contains invalid JSON.' },
    })
    const tooLong = await execute(url, { embeds: [{ title: 'x'.repeat(257) }], content: 'y'.repeat(2001) })
    expect(tooLong.status).toBe(400)
    expect(tooLong.json).toMatchObject({ code: 50035, message: 'Invalid Form Body' })
    expect(tooLong.json.errors.embeds['0'].title._errors[0]).toEqual({ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' })
    expect(tooLong.json.errors.content._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH')
    const elevenEmbeds = await execute(url, { embeds: Array.from({ length: 11 }, (_, i) => ({ title: `#${i}` })) })
    expect(elevenEmbeds.json.errors.embeds._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH')
    const over6000 = await execute(url, { embeds: [0, 1].map(() => ({ description: 'z'.repeat(4000) })) })
    expect(over6000.json.errors.embeds._errors[0].code).toBe('MAX_EMBED_SIZE_EXCEEDED')
    expect((await execute(url, { content: 'hi', username: 'Discord bot' })).json.errors.username._errors).toHaveLength(1)
    expect((await execute(url, { content: 'x', embeds: [{ url: 'javascript:alert(1)' }] })).json.errors.embeds['0'].url._errors).toHaveLength(1)
    expect(await execute(url, { content: '\ud83d' })).toMatchObject({ status: 400, json: { code: 50035 } })
    expect(await execute(url, 'content=hi', { contentType: 'text/plain' })).toMatchObject({ status: 400, json: { code: 50035 } })
    expect(await execute(url, { content: 'x'.repeat(300_000) })).toEqual({ status: 413, json: { code: 40005, message: 'Request entity too large' } })
    expect(await execute(url.replace(/\/[^/]+$/, '/' + 'a'.repeat(68)), { content: 'hi' })).toMatchObject({ status: 401, json: { code: 50027 } })
    expect(await execute(url.replace(/webhooks\/\d+/, 'webhooks/123456789012345678'), { content: 'hi' })).toEqual({
      status: 404,
      json: { code: 10015, message: 'Unknown Webhook' },
    })

    // Editing a sent message, and Discord's /slack and /github flavours, are not relayed.
    const edit = await fetch(`${url}/messages/1300000000000000000`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"content":"edited"}' })
    expect([edit.status, await edit.json()]).toEqual([404, { code: 10008, message: 'Unknown Message' }])
    expect(await execute(`${url}/github`, { action: 'opened' })).toMatchObject({ status: 404 })
    // …and a wrong token on them is still a wrong token.
    expect(await execute(`${url.replace(/\/[^/]+$/, '/' + 'b'.repeat(68))}/github`, {})).toMatchObject({ status: 401 })

    expect(countEvents()).toBe(before)
    expect((await h!.admin('GET', '/api/deliveries')).json.deliveries).toEqual([])
    expect(h!.discord.messages).toHaveLength(0)
    // Versioned paths work like Discord's: /api/v10/webhooks/…
    expect((await execute(url.replace('/api/webhooks/', '/api/v10/webhooks/'), { content: 'ok' })).status).toBe(204)
    expect(countEvents()).toBe(before + 1)
  })

  it('deliver 200 messages sent while Discord is unreachable, all of them, in order, once it is back', async () => {
    await harness({ discord: { perWebhookLimit: 10_000, perChannelLimit: 10_000 }, core: { sendTimeoutMs: 1000 } })
    const hook = h!.discord.addWebhook()
    const net = await startNetworkSwitch(Number(new URL(hook.url).port))
    switches.push(net)
    const endpoint = (await h!.admin('POST', '/api/endpoints', { name: 'Discord', kind: 'discord', url: net.url(hook.url) })).json
    const source = await createSource('Flipfix', [{ endpoint_id: endpoint.id }])
    await net.set('refused')

    for (let i = 0; i < 200; i++) {
      const res = await execute(source.full_url, { content: `message ${i}` })
      expect(res.status).toBe(204)
      if (i % 50 === 0) h!.advance(10 * 60_000)
    }
    await until('offline', async () => (await h!.admin('GET', '/api/stats')).json.state === 'offline')
    expect(h!.discord.messages).toHaveLength(0)

    await net.set('up')
    await until(
      'all 200 delivered',
      async () => {
        const stats = (await h!.admin('GET', '/api/stats')).json
        if (stats.state === 'offline') h!.advance(60_000)
        return stats.deliveries.delivered === 200 && stats.queue_depth === 0
      },
      30_000,
    )
    const contents = h!.discord.messages.map((m) => String(m.body.content))
    expect(contents).toHaveLength(200)
    contents.forEach((content, i) => expect(content.endsWith(`message ${i}`), content).toBe(true))
    // The ones that waited say they are late, as every message after an outage does.
    expect(contents[0]).toMatch(/^⏱ .*late — the museum was offline\nmessage 0$/)
    expect(h!.core.db.$client.prepare(`select max(failure_count) m, sum(status = 'failed') f from deliveries`).get()).toEqual({ m: 0, f: 0 })
  }, 60_000)
})

describe("Flipfix's own payloads, sent unchanged", () => {
  async function museum() {
    await harness()
    ;[slack, teams, smtp, receiver] = await Promise.all([startSlackMock(), startTeamsMock(), startSmtpMock(), startWebhookReceiver()])
    const create = async (body: Record<string, unknown>) => {
      const res = await h!.admin('POST', '/api/endpoints', body)
      expect(res.status, JSON.stringify(res.json)).toBe(201)
      return res.json
    }
    const endpoints = [
      await create({ name: 'Discord #maintenance', kind: 'discord', url: h!.discord.addWebhook().url }),
      await create({ name: 'Slack #maintenance', kind: 'slack', url: slack!.addWebhook().url }),
      await create({ name: 'Teams Maintainers', kind: 'teams', url: teams!.addWorkflow().url }),
      await create({
        name: 'Maintainers mail',
        kind: 'email',
        smtp: { host: smtp!.host, port: smtp!.port, security: 'none' },
        from: 'Knocker <knocker@museum.test>',
        to: ['ken@museum.test'],
      }),
      await create({ name: 'Museum intranet', kind: 'webhook', url: receiver!.urlFor('/hooks/knocker') }),
    ]
    receiver!.setSecrets([endpoints[4].signing_secret])
    const source = await createSource('Flipfix', endpoints.map((e) => ({ endpoint_id: e.id })))
    return { endpoints, source }
  }

  it('reach every destination kind, labelled as Flipfix in the history', async () => {
    const { source } = await museum()
    for (const payload of FLIPFIX_PAYLOADS) expect((await execute(source.full_url, payload.body)).status, payload.name).toBe(204)
    const n = FLIPFIX_PAYLOADS.length
    await h!.discord.waitForMessages(n)
    await slack!.waitForMessages(n)
    await teams!.waitForRuns(n)
    await smtp!.waitForMessages(n, 15_000)
    await receiver!.waitForRequests(n)
    await until('all delivered', async () => (await h!.admin('GET', '/api/stats')).json.deliveries.delivered === n * 5, 15_000)

    // Discord: as sent (Flipfix's embeds, gallery and all), mentions off.
    FLIPFIX_PAYLOADS.forEach((payload, i) => {
      const body = h!.discord.messages[i].body
      expect(body.embeds ?? undefined, payload.name).toEqual(payload.body.embeds)
      expect(body.content ?? undefined).toEqual(payload.body.content)
      expect(body.allowed_mentions).toEqual({ parse: [] })
    })
    // Slack: header from the title, the description's link as a Slack link, the image.
    const slackReport = JSON.stringify(slack!.messages[0].body)
    expect(slackReport).toContain('⚠️ Eight Ball Deluxe')
    expect(slackReport).toContain('#1 drop target spring missing')
    const slackLog = JSON.stringify(slack!.messages[2].body)
    expect(slackLog).toContain('<https://flipfix.theflip.museum/problem-reports/398/|PR #398>')
    expect((slack!.messages[1].body.blocks as any[]).filter((b: any) => b.type === 'image')).toHaveLength(2)
    // Teams: a card per message with the title, text and a link.
    expect(teams!.runs.every((run) => run.status === 'succeeded')).toBe(true)
    expect(JSON.stringify(teams!.runs[3])).toContain('🔧 Diana — 5 updates')
    // Email: subject from the title, the text, the image.
    const mails = smtp!.messages.map((m) => m.parsed)
    expect(mails.map((m) => m.subject)).toContain('[Flipfix] 🗒️ Roto Pool')
    expect(mails.find((m) => m.subject === '[Flipfix] ⚠️ The Getaway')!.html).toContain('<img src="https://flipfix.theflip.museum/media/thumbnails/413-2.jpg"')
    // Webhook: the envelope carries the original payload.
    const hooks = receiver!.requestsTo('/hooks/knocker').map((r) => receiver!.json(r))
    expect(hooks.map((body) => body.type)).toEqual(FLIPFIX_PAYLOADS.map((p) => `relay.${p.label}`))
    hooks.forEach((body, i) => expect(body.data.payload).toEqual(FLIPFIX_PAYLOADS[i].body))
    expect(hooks[0].data.source).toEqual({ id: source.id, name: 'Flipfix' })

    // The history names what each message is.
    const history = (await h!.admin('GET', '/api/deliveries?limit=500')).json.deliveries
    const labels = new Set(history.map((d: any) => d.event))
    expect([...labels].sort()).toEqual([...new Set(FLIPFIX_PAYLOADS.map((p) => `relay.${p.label}`))].sort())
    expect(history.find((d: any) => d.event === 'relay.flipfix.digest').summary).toBe('Flipfix digest from Flipfix: 🔧 Diana — 5 updates')
    const reports = (await h!.admin('GET', '/api/deliveries?event=relay.flipfix.problem_report')).json.deliveries
    expect(reports).toHaveLength(2 * 5)
  }, 30_000)

  it('are routed by label: an endpoint can take only the nightly report', async () => {
    await harness()
    const everything = await h!.addDiscordEndpoint({ name: 'Everything' })
    const nightly = await h!.addDiscordEndpoint({ name: 'Board' })
    const source = await createSource('Flipfix', [
      { endpoint_id: everything.endpoint.id },
      { endpoint_id: nightly.endpoint.id, labels: ['flipfix.nightly_report'] },
    ])
    for (const payload of FLIPFIX_PAYLOADS) await execute(source.full_url, payload.body)
    await h!.settle()
    const to = (id: string) => h!.discord.messages.filter((m) => m.webhookId === id)
    expect(to(everything.webhook.id)).toHaveLength(FLIPFIX_PAYLOADS.length)
    expect(to(nightly.webhook.id).map((m) => m.body.content)).toEqual([FLIPFIX_PAYLOADS.find((p) => p.label === 'flipfix.nightly_report')!.body.content])
  })

  it('keep hostile text inert at every destination', async () => {
    const { source } = await museum()
    const hostile = {
      content: '@everyone <@123456789012345678> <!channel> @here {{DATE(2020-01-01T00:00:00Z, SHORT)}} <script>alert(1)</script> \u202eevil\u0007',
      username: 'Mallory <b>',
      allowed_mentions: { parse: ['everyone', 'users', 'roles'] },
      embeds: [
        {
          title: '<@&987654321098765432> [click](javascript:alert(1)) <img src=x onerror=alert(1)>',
          description: '@everyone **bold** [phish](https://evil.test/) <!here> {{TIME(2020-01-01T00:00:00Z)}} <at>Ken</at>',
          url: 'https://flipfix.theflip.museum/problem-reports/1/',
          fields: [{ name: '<#123456789012345678>', value: '@here "quoted" & <b>bold</b>' }],
          author: { name: '@everyone author', url: 'https://evil.test/a' },
          footer: { text: '<!subteam^S123> footer' },
          image: { url: 'https://evil.test/i.png' },
        },
      ],
    }
    expect((await execute(source.full_url, hostile)).status).toBe(204)
    const [discordMessage] = await h!.discord.waitForMessages(1)
    const [slackMessage] = await slack!.waitForMessages(1)
    const [teamsRun] = await teams!.waitForRuns(1)
    const [mail] = await smtp!.waitForMessages(1, 15_000)
    await receiver!.waitForRequests(1)
    expect(discordProblems(discordMessage.body)).toEqual([])
    expect(slackProblems(slackMessage.body)).toEqual([])
    expect(teamsRun.status).toBe('succeeded')
    expect(teamsProblems(JSON.parse(teams!.requests.at(-1)!.rawBody))).toEqual([])
    expect(emailProblems({ subject: mail.parsed.subject, html: mail.parsed.html, text: mail.parsed.text })).toEqual([])
    // The control and bidi characters were dropped on arrival, before anything was stored.
    const stored = h!.core.db.$client.prepare(`select payload from events where event_type like 'relay.%'`).get() as { payload: string }
    expect(stored.payload).not.toMatch(/\u202e|\u0007/)
  }, 30_000)
})
