// The headless shell as a child process: killed mid-send, restarted, nothing is lost.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startDiscordMock, type DiscordMock } from '../mocks/discordMock'
import { CHILD_ADMIN, CHILD_INGEST, callChild, startChildShell, type ChildShell } from './childShell'
import { sampleEvent, waitFor } from './harness'

let discord: DiscordMock | undefined
let shells: ChildShell[] = []
let dataDir = ''
afterEach(async () => {
  for (const s of shells) s.child.kill('SIGKILL')
  shells = []
  await discord?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('crash recovery (child process)', () => {
  it('delivers everything, in order, after being killed mid-delivery', async () => {
    discord = await startDiscordMock({ perWebhookLimit: 50 })
    dataDir = mkdtempSync(join(tmpdir(), 'knocker-crash-'))
    const webhook = discord.addWebhook()
    // The first send hangs without posting: the process dies waiting for it.
    discord.script(webhook.id, { status: 503, delayMs: 30_000 })

    const first = await startChildShell(dataDir)
    shells.push(first)
    const created = await callChild(first, 'POST', '/api/endpoints', CHILD_ADMIN, { name: 'Crash test', kind: 'discord', url: webhook.url })
    expect(created.status).toBe(201)
    const events = ['problem_report.created', 'log_entry.created', 'problem_report.closed'].map((t) => sampleEvent(t as any))
    expect((await callChild(first, 'POST', '/v1/events', CHILD_INGEST, { events })).status).toBe(202)
    await waitFor(() => discord!.requests.length === 1, 5000, 'the first send')
    first.child.kill('SIGKILL')
    await first.exited
    expect(discord.messages).toHaveLength(0)

    const second = await startChildShell(dataDir)
    shells.push(second)
    const messages = await discord.waitForMessages(3, 10_000)
    const titles = messages.map((m) => JSON.stringify(m.body))
    expect(titles[0]).toContain('New problem report')
    expect(titles[1]).toContain('Twilight Zone')
    expect(titles[2]).toMatch(/closed/i)
    await new Promise((r) => setTimeout(r, 200))
    expect(discord.messages).toHaveLength(3)

    const list = (await callChild(second, 'GET', '/api/deliveries', CHILD_ADMIN)).json.deliveries
    expect(list.every((d: any) => d.status === 'delivered')).toBe(true)
    const firstDelivery = list.at(-1)
    const detail = (await callChild(second, 'GET', `/api/deliveries/${firstDelivery.id}`, CHILD_ADMIN)).json
    expect(detail.attempts).toHaveLength(2)
    expect(detail.attempts[0].error_message).toMatch(/stopped before the destination answered/)
    expect(detail.attempts[1].status_code).toBe(200)
  }, 45_000)

  it('an edit of a report’s post that was in flight when killed goes out once after the restart', async () => {
    discord = await startDiscordMock({ perWebhookLimit: 50 })
    dataDir = mkdtempSync(join(tmpdir(), 'knocker-edit-crash-'))
    const webhook = discord.addWebhook()
    const first = await startChildShell(dataDir)
    shells.push(first)
    const options = { report_updates: 'edit' }
    expect((await callChild(first, 'POST', '/api/endpoints', CHILD_ADMIN, { name: 'Edits', kind: 'discord', url: webhook.url, options })).status).toBe(201)
    const created = sampleEvent('problem_report.created')
    expect((await callChild(first, 'POST', '/v1/events', CHILD_INGEST, created)).status).toBe(202)
    const [post] = await discord.waitForMessages(1, 10_000)
    // The edit hangs without being applied: the process dies waiting for it.
    discord.script(webhook.id, { status: 503, delayMs: 30_000 })
    const closed = sampleEvent('problem_report.closed')
    expect((await callChild(first, 'POST', '/v1/events', CHILD_INGEST, closed)).status).toBe(202)
    await waitFor(() => discord!.requests.some((r) => r.method === 'PATCH'), 5000, 'the edit')
    first.child.kill('SIGKILL')
    await first.exited

    const second = await startChildShell(dataDir)
    shells.push(second)
    await waitFor(() => discord!.edits.length === 1, 10_000, 'the edit after the restart')
    await new Promise((r) => setTimeout(r, 300))
    expect(discord.edits.map((e) => e.messageId)).toEqual([post.id])
    expect(discord.messages).toHaveLength(1)
    expect(JSON.stringify(discord.messages[0].body)).toContain('Problem report closed')
    const list = (await callChild(second, 'GET', '/api/deliveries', CHILD_ADMIN)).json.deliveries
    expect(list.map((d: any) => [d.status, d.why])).toEqual([['delivered', 'edited: report closed'], ['delivered', null]])
  }, 45_000)

  it('messages held for quiet hours are still held after a SIGKILL, none sent, none lost', async () => {
    discord = await startDiscordMock({ perWebhookLimit: 50 })
    dataDir = mkdtempSync(join(tmpdir(), 'knocker-quiet-crash-'))
    const webhook = discord.addWebhook()
    const first = await startChildShell(dataDir)
    shells.push(first)
    const hhmm = (ms: number) => new Date(ms).toTimeString().slice(0, 5)
    const range = { days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], start: hhmm(Date.now() - 3600_000), end: hhmm(Date.now() + 2 * 3600_000) }
    const options = { quiet_hours: { ranges: [range] } }
    expect((await callChild(first, 'POST', '/api/endpoints', CHILD_ADMIN, { name: 'Quiet', kind: 'discord', url: webhook.url, options })).status).toBe(201)
    const events = ['log_entry.created', 'problem_report.closed', 'machine.location_changed'].map((t) => sampleEvent(t as any))
    expect((await callChild(first, 'POST', '/v1/events', CHILD_INGEST, { events })).status).toBe(202)
    first.child.kill('SIGKILL')
    await first.exited

    const second = await startChildShell(dataDir)
    shells.push(second)
    await new Promise((r) => setTimeout(r, 500))
    expect(discord.requests).toHaveLength(0)
    const list = (await callChild(second, 'GET', '/api/deliveries', CHILD_ADMIN)).json.deliveries
    expect(list.map((d: any) => [d.status, d.why])).toEqual(Array(3).fill(['pending', `held: quiet hours until ${range.end}`]))
  }, 45_000)

  it('a morning report in flight when killed goes out once after the restart, as it was built', async () => {
    discord = await startDiscordMock({ perWebhookLimit: 50 })
    dataDir = mkdtempSync(join(tmpdir(), 'knocker-morning-crash-'))
    const webhook = discord.addWebhook()
    const first = await startChildShell(dataDir)
    shells.push(first)
    const created = await callChild(first, 'POST', '/api/endpoints', CHILD_ADMIN, { name: 'Morning', kind: 'discord', url: webhook.url, events: [] })
    expect(created.status).toBe(201)
    expect((await callChild(first, 'POST', '/v1/events', CHILD_INGEST, sampleEvent('machine.status_changed'))).status).toBe(202)
    // The report's send hangs: the process dies waiting for it.
    discord.script(webhook.id, { status: 503, delayMs: 30_000 })
    expect((await callChild(first, 'POST', `/api/endpoints/${created.json.id}/morning-report`, CHILD_ADMIN)).status).toBe(200)
    await waitFor(() => discord!.requests.length === 1, 5000, 'the report')
    const sentFirst = JSON.parse(discord.requests[0].rawBody)
    first.child.kill('SIGKILL')
    await first.exited

    const second = await startChildShell(dataDir)
    shells.push(second)
    const [message] = await discord.waitForMessages(1, 10_000)
    await new Promise((r) => setTimeout(r, 300))
    expect(discord.messages).toHaveLength(1)
    expect(JSON.stringify(message.body.embeds)).toContain('Roto Pool')
    expect(message.body).toEqual(sentFirst) // the stored report, not one built again
    const list = (await callChild(second, 'GET', '/api/deliveries', CHILD_ADMIN)).json.deliveries
    expect(list.map((d: any) => [d.event, d.status])).toEqual([['knocker.morning_report', 'delivered']])
  }, 45_000)

  it('finishes an in-flight send on SIGTERM and exits cleanly', async () => {
    discord = await startDiscordMock()
    dataDir = mkdtempSync(join(tmpdir(), 'knocker-term-'))
    const webhook = discord.addWebhook()
    discord.script(webhook.id, { status: 200, delayMs: 700 })
    const shell = await startChildShell(dataDir)
    shells.push(shell)
    await callChild(shell, 'POST', '/api/endpoints', CHILD_ADMIN, { name: 'Term test', kind: 'discord', url: webhook.url })
    expect((await callChild(shell, 'POST', '/v1/events', CHILD_INGEST, sampleEvent('machine.created'))).status).toBe(202)
    await waitFor(() => discord!.requests.length === 1, 5000, 'the send')
    shell.child.kill('SIGTERM')
    expect(await shell.exited).toBe(0)
    expect(shell.output()).toContain('stopped')

    const again = await startChildShell(dataDir)
    shells.push(again)
    const list = (await callChild(again, 'GET', '/api/deliveries', CHILD_ADMIN)).json.deliveries
    expect(list.map((d: any) => d.status)).toEqual(['delivered'])
    await new Promise((r) => setTimeout(r, 300))
    expect(discord.messages).toHaveLength(1)
  }, 45_000)
})
