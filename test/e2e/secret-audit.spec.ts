// The secret audit: endpoints of every kind with recognisable secrets (webhook tokens, a Teams
// signature, an SMTP password, a signing secret, a bearer token, a header value) go through
// failures (one receiver even echoes the credentials back), retries and an export. Then the
// shell's log output, the SQLite files, every admin API answer and every page of the UI are
// searched: none of them may contain any of the secrets.
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { startDiscordMock, type DiscordMock } from '../mocks/discordMock'
import { startSlackMock, type SlackMock } from '../mocks/slackMock'
import { startTeamsMock, type TeamsMock } from '../mocks/teamsMock'
import { startSmtpMock, type SmtpMock } from '../mocks/smtpMock'
import { startWebhookReceiver, type WebhookReceiver } from '../mocks/webhookReceiver'
import { startHeadlessShell, type HeadlessShell } from './headlessShell'

const mark = (name: string) => `${name}SECRET${randomBytes(8).toString('hex')}`
const SECRETS: Record<string, string> = {
  discordToken: mark('discord'),
  slackSecret: mark('slack'),
  teamsSig: mark('teams'),
  smtpPassword: mark('smtp'),
  signingSecret: `whsec_${randomBytes(32).toString('base64')}`,
  bearer: mark('bearer'),
  headerValue: mark('header'),
}

let shell: HeadlessShell
let discord: DiscordMock
let slack: SlackMock
let teams: TeamsMock
let smtp: SmtpMock
let receiver: WebhookReceiver

test.beforeAll(async () => {
  discord = await startDiscordMock({ perWebhookLimit: 100 })
  slack = await startSlackMock()
  teams = await startTeamsMock()
  smtp = await startSmtpMock({ auth: { user: 'knocker', password: SECRETS.smtpPassword } })
  receiver = await startWebhookReceiver({ secrets: [SECRETS.signingSecret] })
  shell = await startHeadlessShell()
})

test.afterAll(async () => {
  await shell?.stop()
  for (const mock of [discord, slack, teams, smtp, receiver]) await mock?.close()
})

const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${shell.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${shell.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  return { status: res.status, text: await res.text() }
}

function findSecrets(where: string, text: string): string[] {
  const found: string[] = []
  for (const [name, secret] of Object.entries(SECRETS)) {
    for (const form of [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)]) {
      if (text.includes(form)) found.push(`${name} in ${where}`)
    }
  }
  return found
}

test('no secret appears in logs, the database, the admin API, exports or the UI', async ({ page }) => {
  test.setTimeout(180_000)
  const leaks: string[] = []

  await test.step('endpoints of every kind, with recognisable secrets', async () => {
    const hook = discord.addWebhook({ token: SECRETS.discordToken })
    const slackHook = slack.addWebhook({ secret: SECRETS.slackSecret })
    const flow = teams.addWorkflow({ sig: SECRETS.teamsSig })
    const created = await Promise.all([
      api('POST', '/api/endpoints', { name: 'Discord', kind: 'discord', url: hook.url }),
      api('POST', '/api/endpoints', { name: 'Slack', kind: 'slack', url: slackHook.url }),
      api('POST', '/api/endpoints', { name: 'Teams', kind: 'teams', url: flow.url }),
      api('POST', '/api/endpoints', {
        name: 'Email',
        kind: 'email',
        smtp: { host: smtp.host, port: smtp.port, security: 'none', user: 'knocker', password: SECRETS.smtpPassword },
        from: 'Knocker <knocker@museum.example>',
        to: ['crew@museum.example'],
      }),
      api('POST', '/api/endpoints', {
        name: 'Webhook',
        kind: 'webhook',
        url: receiver.urlFor('/hook'),
        secret: SECRETS.signingSecret,
        auth: { type: 'bearer', token: SECRETS.bearer },
        headers: { 'X-Museum-Key': SECRETS.headerValue },
      }),
    ])
    for (const c of created) expect(c.status, c.text).toBe(201)
    // The webhook's creation answer is the one place its signing secret is shown, once.
    expect(created[4].text).toContain(SECRETS.signingSecret)
    for (const c of created.slice(0, 4)) leaks.push(...findSecrets('a create answer', c.text))

    // Failures on the way, including a receiver that echoes our credentials back.
    discord.script(hook.id, { status: 500 })
    slack.script(slackHook.webhookId, { status: 500, body: `upstream said: ${slackHook.url}` })
    teams.script(flow.id, { status: 500 })
    smtp.script({ on: 'DATA', code: 451, message: 'try again later' })
    receiver.script({ status: 401, body: `bad credentials: Bearer ${SECRETS.bearer} / ${SECRETS.headerValue}` })
  })

  await test.step('events, failures, automatic and manual retries, an export', async () => {
    for (const type of ['problem_report.created', 'log_entry.created', 'machine.status_changed'] as const) {
      const res = await fetch(`${shell.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${shell.ingestToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...SAMPLE_EVENTS[type], event_id: `audit:${type}:${randomBytes(4).toString('hex')}` }),
      })
      expect(res.status).toBe(202)
    }
    // The first retry is ~5 s after a failure.
    await expect
      .poll(
        async () => {
          const stats = JSON.parse((await api('GET', '/api/stats')).text).deliveries
          if (stats.delivered === 12 && stats.failed === 1) return 12
          const waiting = JSON.parse((await api('GET', '/api/deliveries?limit=50')).text).deliveries
          return waiting
            .filter((d: any) => d.status !== 'delivered')
            .map((d: any) => `${d.endpoint_kind} ${d.status} ${d.last_error_class}: ${d.last_error}`)
            .join('; ')
        },
        { timeout: 45_000 },
      )
      .toBe(12)
    // The 401 flagged the webhook endpoint and held its queue; a person retries it.
    const endpoints = JSON.parse((await api('GET', '/api/endpoints')).text).endpoints as Array<{ id: string; kind: string; needs_attention: string | null }>
    const webhook = endpoints.find((e) => e.kind === 'webhook')!
    expect(webhook.needs_attention).toMatch(/refused our credentials/)
    const retried = await api('POST', '/api/deliveries/retry-failed', { endpoint_id: webhook.id })
    expect(JSON.parse(retried.text)).toEqual({ retried: 1 })
    await expect
      .poll(async () => JSON.parse((await api('GET', '/api/stats')).text).deliveries.delivered, { timeout: 20_000 })
      .toBe(15)
  })

  await test.step('a Discord-compatible source: messages, bad tokens, a rotation', async () => {
    const endpoints = JSON.parse((await api('GET', '/api/endpoints')).text).endpoints as Array<{ id: string; kind: string }>
    const discordEndpoint = endpoints.find((e) => e.kind === 'discord')!
    const labels = ['flipfix.problem_report', 'flipfix.log_entry', 'flipfix.digest', 'flipfix.nightly_report', 'relayed']
    const created = await api('POST', '/api/sources', { name: 'Flipfix', routes: [{ endpoint_id: discordEndpoint.id, labels }] })
    expect(created.status, created.text).toBe(201)
    // The creation answer is the one place its token is shown.
    const source = JSON.parse(created.text) as { id: string; token: string; full_url: string }
    SECRETS.sourceToken = source.token
    const post = (url: string, body: unknown) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    expect((await post(`${source.full_url}?wait=true`, { embeds: [{ title: '⚠️ Eight Ball Deluxe', description: 'Left flipper flaky' }] })).status).toBe(200)
    expect((await post(source.full_url.slice(0, -4) + 'XXXX', { content: 'wrong token' })).status).toBe(401)
    expect((await post(source.full_url, { embeds: [{ title: 'x'.repeat(300) }] })).status).toBe(400)
    const rotated = JSON.parse((await api('POST', `/api/sources/${source.id}/rotate-token`)).text) as { token: string; full_url: string }
    SECRETS.rotatedSourceToken = rotated.token
    expect((await post(source.full_url, { content: 'old token' })).status).toBe(401)
    expect((await post(rotated.full_url, { content: 'after the rotation' })).status).toBe(204)
    await expect.poll(async () => JSON.parse((await api('GET', '/api/stats')).text).deliveries.delivered, { timeout: 20_000 }).toBe(17)
  })

  await test.step('every admin API answer', async () => {
    const list = JSON.parse((await api('GET', '/api/deliveries?limit=500')).text)
    const endpoints = JSON.parse((await api('GET', '/api/endpoints')).text).endpoints as Array<{ id: string }>
    const paths = [
      '/api/endpoints',
      '/api/settings',
      '/api/stats',
      '/api/system',
      '/api/deliveries?limit=500',
      '/api/deliveries/export',
      '/api/sources',
      ...endpoints.map((e) => `/api/endpoints/${e.id}`),
      ...list.deliveries.map((d: { id: number }) => `/api/deliveries/${d.id}`),
    ]
    for (const path of paths) {
      const res = await api('GET', path)
      expect(res.status, path).toBe(200)
      leaks.push(...findSecrets(path, res.text))
    }
    for (const e of endpoints) {
      const preview = await api('POST', '/api/preview', { endpoint_id: e.id })
      leaks.push(...findSecrets(`preview of ${e.id}`, preview.text))
      const test = await api('POST', `/api/endpoints/${e.id}/test`, {})
      leaks.push(...findSecrets(`test of ${e.id}`, test.text))
    }
  })

  await test.step('every page of the UI, and every delivery opened', async () => {
    await page.goto(`${shell.url}/#token=${shell.adminToken}`)
    for (const name of ['Overview', 'Endpoints', 'Events & sources', 'Deliveries', 'Message preview', 'Settings']) {
      await page.getByRole('navigation').getByRole('link', { name: new RegExp(`^${name}`) }).click()
      await expect(page.getByRole('heading', { level: 2, name })).toBeVisible()
      // The change stream keeps a request open, so wait for the page's data rather than network idle.
      await expect(page.locator('[aria-busy="true"], .mantine-Skeleton-root')).toHaveCount(0)
      leaks.push(...findSecrets(`the ${name} page`, await page.content()))
    }
    await page.getByRole('navigation').getByRole('link', { name: /^Deliveries/ }).click()
    const rows = page.getByTestId('delivery-row')
    const count = Math.min(await rows.count(), 12)
    for (let i = 0; i < count; i++) {
      await rows.nth(i).getByRole('button').first().click()
      const drawer = page.getByRole('dialog', { name: 'Delivery' })
      await expect(drawer.getByTestId('attempt').first()).toBeVisible()
      for (const button of await drawer.getByRole('button', { name: /Request body|Response|Event payload/ }).all()) await button.click()
      leaks.push(...findSecrets(`delivery drawer ${i}`, await page.content()))
      await page.keyboard.press('Escape')
      await expect(drawer).toBeHidden()
    }
  })

  await test.step('the log output and the database files', async () => {
    leaks.push(...findSecrets('the log output', shell.output()))
    for (const file of readdirSync(shell.dataDir).filter((f) => f.startsWith('knocker.db'))) {
      leaks.push(...findSecrets(file, readFileSync(join(shell.dataDir, file)).toString('latin1')))
    }
  })

  expect(leaks).toEqual([])
})
