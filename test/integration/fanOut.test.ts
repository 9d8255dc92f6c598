// One museum event, five destinations: every mock gets a native message, and the history
// shows five deliveries with their attempts; then a morning report to each.
import { afterEach, describe, expect, it } from 'vitest'
import { startSlackMock, type SlackMock } from '../mocks/slackMock'
import { startSmtpMock, type SmtpMock } from '../mocks/smtpMock'
import { startTeamsMock, type TeamsMock } from '../mocks/teamsMock'
import { startWebhookReceiver, type WebhookReceiver } from '../mocks/webhookReceiver'
import { sampleEvent, startHarness, type Harness } from './harness'

let h: Harness | undefined
let slack: SlackMock | undefined
let teams: TeamsMock | undefined
let smtp: SmtpMock | undefined
let receiver: WebhookReceiver | undefined
afterEach(async () => {
  await h?.close()
  await Promise.all([slack?.close(), teams?.close(), smtp?.close(), receiver?.close()])
})

describe('fan-out', () => {
  it('delivers one event to Discord, Slack, Teams, email and a signed webhook', async () => {
    h = await startHarness()
    ;[slack, teams, smtp, receiver] = await Promise.all([startSlackMock(), startTeamsMock(), startSmtpMock(), startWebhookReceiver()])
    const create = async (body: Record<string, unknown>) => {
      const res = await h!.admin('POST', '/api/endpoints', body)
      expect(res.status, JSON.stringify(res.json)).toBe(201)
      return res.json
    }
    await create({ name: 'Discord #maintenance', kind: 'discord', url: h.discord.addWebhook().url })
    await create({ name: 'Slack #maintenance', kind: 'slack', url: slack.addWebhook().url })
    await create({ name: 'Teams Maintainers', kind: 'teams', url: teams.addWorkflow().url })
    await create({
      name: 'Maintainers mail',
      kind: 'email',
      smtp: { host: smtp.host, port: smtp.port, security: 'none' },
      from: 'Knocker <knocker@museum.test>',
      to: ['ken@museum.test', 'reba@museum.test'],
    })
    const webhook = await create({ name: 'Museum intranet', kind: 'webhook', url: receiver.urlFor('/hooks/knocker') })
    receiver.setSecrets([webhook.signing_secret])

    const event = sampleEvent('problem_report.created')
    const accepted = await h.post(event)
    expect(accepted.status).toBe(202)
    expect(accepted.json.deliveries).toHaveLength(5)

    const [discordMessage] = await h.discord.waitForMessages(1)
    const [slackMessage] = await slack.waitForMessages(1)
    const [teamsRun] = await teams.waitForRuns(1)
    const [mail] = await smtp.waitForMessages(1)
    const [hook] = await receiver.waitForRequests(1)

    expect((discordMessage.body.embeds as any[])[0].title).toBe('Eight Ball Deluxe — New problem report')
    expect(JSON.stringify(slackMessage.body.blocks)).toContain('Eight Ball Deluxe')
    expect(slackMessage.body.text).toContain('Eight Ball Deluxe')
    expect(teamsRun.status).toBe('succeeded')
    expect(JSON.stringify(teamsRun)).toContain('Eight Ball Deluxe')
    expect(mail.envelope.to).toEqual(['ken@museum.test', 'reba@museum.test'])
    expect(mail.parsed.subject).toContain('Eight Ball Deluxe')
    expect(mail.parsed.text).toContain('#1 drop target spring missing')
    expect(hook.verified).toBe(true)
    expect(receiver.json(hook).data.event_id).toBe(event.event_id)

    await h.settle()
    const history = (await h.admin('GET', '/api/deliveries')).json.deliveries
    expect(history.map((d: any) => d.endpoint_kind).sort()).toEqual(['discord', 'email', 'slack', 'teams', 'webhook'])
    for (const delivery of history) {
      expect(delivery.status).toBe('delivered')
      const detail = (await h.admin('GET', `/api/deliveries/${delivery.id}`)).json
      expect(detail.attempts).toHaveLength(1)
      expect(detail.attempts[0]).toMatchObject({ outcome: 'delivered', trigger: 'scheduled' })
    }

    // The morning report, sent now to each: every mock takes it as a native message.
    for (const endpoint of (await h.admin('GET', '/api/endpoints')).json.endpoints) {
      expect((await h.admin('POST', `/api/endpoints/${endpoint.id}/morning-report`)).json).toMatchObject({ status: 'pending' })
    }
    const [, discordReport] = await h.discord.waitForMessages(2)
    const [, slackReport] = await slack.waitForMessages(2)
    const [, teamsReport] = await teams.waitForRuns(2)
    const [, mailReport] = await smtp.waitForMessages(2)
    const [, hookReport] = await receiver.waitForRequests(2)
    expect(String(discordReport.body.content)).toContain('Morning report')
    expect(JSON.stringify(discordReport.body.embeds)).toContain('#1 drop target spring missing')
    expect(JSON.stringify(slackReport.body.blocks)).toContain('Open problem reports')
    expect(teamsReport.status).toBe('succeeded')
    expect(JSON.stringify(teamsReport)).toContain('Machine health by zone')
    expect(mailReport.parsed.subject).toMatch(/^Knocker: morning report, /)
    expect(mailReport.parsed.text).toContain('Eight Ball Deluxe')
    expect(hookReport.verified).toBe(true)
    expect(receiver.json(hookReport)).toMatchObject({ type: 'knocker.morning_report', data: { on_demand: true, open_reports: [{ name: 'Eight Ball Deluxe' }] } })
    await h.settle()
    const reports = (await h.admin('GET', '/api/deliveries?event=knocker.morning_report')).json.deliveries
    expect(reports.map((d: any) => d.status)).toEqual(Array(5).fill('delivered'))
  })
})
