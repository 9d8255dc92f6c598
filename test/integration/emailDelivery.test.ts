// End to end through the real intake, SQLite file, engine, a pooled nodemailer transport
// and the SMTP mock (smtp-server + mailparser on 127.0.0.1).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEmailChannel, type EmailChannelOptions } from '../../src/main/core/channels/email'
import { channels } from '../../src/main/core/channels/registry'
import { TEST_NOTICE } from '../../src/main/core/channels/eventView'
import { EVENT_TYPES } from '../../src/shared/events'
import { startSmtpMock, type SmtpMock, type SmtpMockMessage, type SmtpMockOptions } from '../mocks/smtpMock'
import { sampleEvent, startHarness, waitFor, type Harness } from './harness'

const PASSWORD = 'correct-horse-battery-9'
const FROM = 'Knocker <knocker@museum.test>'
const ROOT_412 = '<problem-412.flipfix.theflip.museum@knocker>'
const ROOT_398 = '<problem-398.flipfix.theflip.museum@knocker>'

let h: Harness | undefined
let mock: SmtpMock | undefined
let channel: ReturnType<typeof createEmailChannel>
afterEach(async () => {
  await h?.close()
  await mock?.close()
  h = mock = undefined
})

/** A Knocker with its own email channel (own pools) and fast pacing, plus an SMTP mock. */
async function start(o: { mock?: SmtpMockOptions; channel?: EmailChannelOptions; realPacing?: boolean } = {}) {
  mock = await startSmtpMock(o.mock)
  channel = createEmailChannel(o.channel)
  const pacing = o.realPacing ? channel.pacing : { burst: 50, perSecond: 50 }
  h = await startHarness({ core: { channels: { ...channels, email: { ...channel, pacing } } } })
  return { h, mock }
}

async function addEndpoint(fields: Record<string, unknown> = {}, smtp: Record<string, unknown> = {}) {
  const res = await h!.admin('POST', '/api/endpoints', {
    name: 'Maintainers mail',
    kind: 'email',
    smtp: { host: mock!.host, port: mock!.port, security: 'none', ...smtp },
    from: FROM,
    to: ['ops@museum.test', 'crew@museum.test'],
    ...fields,
  })
  if (res.status !== 201) throw new Error(`create endpoint failed: ${JSON.stringify(res.json)}`)
  return res.json
}


const deliveries = async () => (await h!.admin('GET', '/api/deliveries?limit=50')).json.deliveries as any[]
const detail = async (id: number) => (await h!.admin('GET', `/api/deliveries/${id}`)).json

function hrefs(message: SmtpMockMessage): string[] {
  return [...message.parsed.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1])
}

describe('email delivery', () => {
  it('delivers every event type as a well-formed, threaded HTML + text mail over one pooled connection', async () => {
    await start()
    await addEndpoint()
    for (const type of EVENT_TYPES) expect((await h!.post(sampleEvent(type))).status).toBe(202)
    const messages = await mock!.waitForMessages(EVENT_TYPES.length)
    await h!.settle()

    for (const message of messages) {
      expect(message.envelope).toEqual({ from: 'knocker@museum.test', to: ['ops@museum.test', 'crew@museum.test'] })
      expect(message.parsed.headers.from).toBe(FROM)
      expect(message.parsed.headers.to).toBe('ops@museum.test, crew@museum.test')
      expect(message.parsed.headers['auto-submitted']).toBe('auto-generated')
      expect(message.parsed.headers['x-auto-response-suppress']).toBe('All')
      expect(message.parsed.subject).toMatch(/^(Re: )?\[Flipfix\] /)
      expect(message.parsed.text).toContain('Open in Flipfix: https://flipfix.theflip.museum/')
      expect(message.parsed.html).toContain('>Open in Flipfix</a>')
      expect(hrefs(message).length).toBeGreaterThan(0)
      expect(hrefs(message).every((href) => href.startsWith('https://flipfix.theflip.museum/'))).toBe(true)
      expect(message.raw).not.toContain('[[')
    }
    const [created, closed, reopened, log, machine, status, location] = messages

    // The report's first mail is the root of its conversation …
    expect(created.parsed.subject).toBe('[Flipfix] Eight Ball Deluxe: new problem report #412')
    expect(created.parsed.messageId).toBe(ROOT_412)
    expect(created.parsed.inReplyTo).toBeUndefined()
    expect(created.parsed.text).toContain('Location: Museum\nProblem type: Other\nReported by: Anonymous')
    expect(created.parsed.text).toContain('#1 drop target spring missing')
    expect(created.parsed.html).toMatch(/<th[^>]*>Reported by<\/th><td[^>]*>Anonymous<\/td>/)
    expect(hrefs(created)).toContain('https://flipfix.theflip.museum/problem-reports/412/')
    // … and everything later about it replies to that root, same subject.
    expect(closed.parsed.subject).toBe('Re: [Flipfix] Eight Ball Deluxe: new problem report #412')
    expect(closed.parsed.inReplyTo).toBe(ROOT_412)
    expect(closed.parsed.references).toEqual([ROOT_412])
    expect(closed.parsed.messageId).not.toBe(ROOT_412)
    expect(closed.parsed.text).toContain('Problem report closed')
    expect(closed.parsed.text).toContain('Closed by: Diana')
    expect(reopened.parsed.inReplyTo).toBe(ROOT_398)
    expect(reopened.parsed.text).toContain('Reopened by: ken')
    expect(log.parsed.subject).toBe('Re: [Flipfix] Twilight Zone: new problem report #398')
    expect(log.parsed.inReplyTo).toBe(ROOT_398)
    expect(log.parsed.references).toEqual([ROOT_398])
    expect(log.parsed.text).toContain('Maintainers: brian, reba')
    expect(hrefs(log)).toEqual(
      expect.arrayContaining(['https://flipfix.theflip.museum/problem-reports/398/', 'https://flipfix.theflip.museum/logs/4842/']),
    )
    // Machine events stand alone.
    expect(machine.parsed.subject).toBe('[Flipfix] Godzilla: new machine added')
    expect(status.parsed.subject).toBe('[Flipfix] Roto Pool: status Good → Broken')
    expect(status.parsed.text).toContain('Changed by: Diana')
    expect(location.parsed.subject).toBe('[Flipfix] Twilight Zone: location Workshop → Museum')
    for (const m of [machine, status, location]) expect(m.parsed.inReplyTo).toBeUndefined()
    expect(new Set(messages.map((m) => m.parsed.messageId)).size).toBe(EVENT_TYPES.length)

    // Pooled: one SMTP connection carried all seven.
    expect(mock!.connectionCount).toBe(1)
    const list = await deliveries()
    expect(list.map((d) => [d.status, d.attempt_count, d.last_status_code])).toEqual(Array(7).fill(['delivered', 1, 250]))
    // The remote id is the Message-ID, and the stored body is the message as sent.
    const first = await detail(list.find((d) => d.event === 'problem_report.created').id)
    expect(first.remote_id).toBe(ROOT_412)
    const stored = JSON.parse(first.attempts[0].request_body)
    expect(Object.keys(stored).sort()).toEqual(['from', 'headers', 'html', 'subject', 'text', 'to'])
    expect(stored).toMatchObject({ from: FROM, to: ['ops@museum.test', 'crew@museum.test'], subject: created.parsed.subject })
    expect(first.attempts[0].response_body).toMatch(/^250 .*\nmessage-id: <problem-412\.flipfix\.theflip\.museum@knocker>\naccepted: ops@museum\.test, crew@museum\.test$/)
  })

  it('keeps a huge description reasonable (cut at 200 words)', async () => {
    await start()
    await addEndpoint()
    const event = sampleEvent('problem_report.created')
    if (event.event !== 'problem_report.created') throw new Error('type')
    event.problem_report.description = 'spring '.repeat(14_000) // 98,000 characters (the contract's max is 100k)
    expect((await h!.post(event)).status).toBe(202)
    const [message] = await mock!.waitForMessages(1)
    const paragraph = message.parsed.text.split('\n').find((line) => line.startsWith('spring'))!
    expect(paragraph.split(' ')).toHaveLength(200)
    expect(paragraph.endsWith('…')).toBe(true)
    expect(message.raw.length).toBeLessThan(20_000)
  })

  it('flags the endpoint on 535 and holds its queue; a fixed password resumes it', async () => {
    await start({ mock: { auth: { user: 'knocker', password: PASSWORD } } })
    const endpoint = await addEndpoint({}, { user: 'knocker', password: 'wrong-password' })
    await h!.post(sampleEvent('problem_report.created'))
    await h!.post(sampleEvent('problem_report.closed'))
    const flagged = await waitFor(async () => (await h!.admin('GET', `/api/endpoints/${endpoint.id}`)).json.needs_attention, 3000, 'flag')
    expect(flagged).toMatch(/^SMTP login failed — check user\/password \(535 /)
    const list = await deliveries()
    expect(list.map((d) => d.status).sort()).toEqual(['failed', 'pending'])
    const failed = list.find((d) => d.status === 'failed')
    expect([failed.last_error_class, failed.last_status_code]).toEqual(['rejected', 535])
    h!.advance(60 * 60 * 1000)
    await new Promise((r) => setTimeout(r, 200))
    expect(mock!.authAttempts).toHaveLength(1) // never retried, queue held
    expect(mock!.messages).toHaveLength(0)

    const patched = await h!.admin('PATCH', `/api/endpoints/${endpoint.id}`, { smtp: { password: PASSWORD } })
    expect(patched.json.needs_attention).toBeNull()
    const [message] = await mock!.waitForMessages(1)
    expect(message.session.user).toBe('knocker')
    expect(message.parsed.subject).toBe('Re: [Flipfix] Eight Ball Deluxe: new problem report #412')
  })

  it('fails a 550 permanently without retrying (and without flagging: it is this message)', async () => {
    await start()
    const endpoint = await addEndpoint()
    mock!.script({ on: 'DATA', code: 550, message: '5.7.1 Message rejected as spam' })
    await h!.post(sampleEvent('machine.created'))
    await waitFor(() => mock!.received.length === 1, 3000)
    await h!.settle()
    const [delivery] = await deliveries()
    expect([delivery.status, delivery.last_error_class, delivery.last_status_code]).toEqual(['failed', 'rejected', 550])
    expect(delivery.last_error).toBe('SMTP: the server refused the message (550 5.7.1 Message rejected as spam).')
    h!.advance(60 * 60 * 1000)
    await new Promise((r) => setTimeout(r, 150))
    expect(mock!.received).toHaveLength(1)
    expect((await h!.admin('GET', `/api/endpoints/${endpoint.id}`)).json.needs_attention).toBeNull()
  })

  it('retries a 451 and succeeds with the SAME Message-ID in both attempts', async () => {
    await start()
    await addEndpoint()
    mock!.script({ on: 'DATA', code: 451, message: '4.3.0 Temporary local problem' })
    await h!.post(sampleEvent('problem_report.closed'))
    await waitFor(() => mock!.received.length === 1, 3000, 'first attempt')
    const [waiting] = await waitFor(async () => {
      const list = await deliveries()
      return list[0]?.status === 'retrying' && list
    }, 3000, 'retrying')
    expect([waiting.last_error_class, waiting.last_status_code]).toEqual(['server_error', 451])
    expect(waiting.next_attempt_at - h!.clock.now()).toBeGreaterThan(3000) // ~5 s ± 20 %
    h!.advance(6000)
    const [message] = await mock!.waitForMessages(1, 3000)
    const ids = mock!.received.map((m) => m.parsed.messageId)
    expect(ids).toHaveLength(2)
    expect(ids[0]).toMatch(/^<delivery-\d+\.[0-9a-f]{16}\.flipfix\.theflip\.museum@knocker>$/)
    expect(ids[1]).toBe(ids[0])
    expect(message.parsed.inReplyTo).toBe(ROOT_412)
    const { attempts } = await detail(waiting.id)
    expect(attempts.map((a: any) => [a.status_code, a.error_class, a.outcome])).toEqual([
      [451, 'server_error', 'retry'],
      [250, null, 'delivered'],
    ])
  })

  it('retries a dropped connection as a network error', async () => {
    await start()
    await addEndpoint()
    mock!.script({ on: 'RCPT', drop: true })
    await h!.post(sampleEvent('machine.status_changed'))
    const [waiting] = await waitFor(async () => {
      const list = await deliveries()
      return list[0]?.status === 'retrying' && list
    }, 3000, 'retrying')
    expect([waiting.last_error_class, waiting.last_status_code]).toEqual(['network', null])
    expect(waiting.last_error).toMatch(/^SMTP: ECONNECTION: /)
    h!.advance(10_000)
    await mock!.waitForMessages(1, 3000)
  })

  it('retries an unreachable server as a network error', async () => {
    await start()
    await addEndpoint()
    const port = mock!.port
    await mock!.close()
    mock = undefined
    await h!.post(sampleEvent('machine.created'))
    const [waiting] = await waitFor(async () => {
      const list = await deliveries()
      return list[0]?.status === 'retrying' && list
    }, 3000, 'retrying')
    expect(waiting.last_error_class).toBe('network')
    expect(waiting.last_error).toContain(`ECONNREFUSED`)
    expect(waiting.last_error).toContain(`127.0.0.1:${port}`)
  })

  it('delivers when some recipients are refused, noting who and why', async () => {
    await start()
    await addEndpoint({ to: ['ops@museum.test', 'gone@museum.test'] })
    mock!.rejectRecipient('gone@museum.test')
    await h!.post(sampleEvent('log_entry.created'))
    const [message] = await mock!.waitForMessages(1)
    expect(message.envelope.to).toEqual(['ops@museum.test'])
    await h!.settle()
    const [delivery] = await deliveries()
    expect(delivery.status).toBe('delivered')
    const { attempts } = await detail(delivery.id)
    expect(attempts[0].note).toBe('Not delivered to gone@museum.test (550 5.1.1 <gone@museum.test>: Recipient address rejected: User unknown).')
    expect(attempts[0].response_body).toContain('\nrejected: gone@museum.test — 550 5.1.1')
  })

  it('"Test" checks the login first: a wrong password fails with an auth message and sends nothing', async () => {
    await start({ mock: { auth: { user: 'knocker', password: PASSWORD } } })
    const endpoint = await addEndpoint({}, { user: 'knocker', password: 'wrong-password' })
    const failed = await h!.admin('POST', `/api/endpoints/${endpoint.id}/test`, {})
    expect(failed.json).toMatchObject({ ok: false, status: 'failed', status_code: 535, error_class: 'rejected' })
    expect(failed.json.error).toMatch(/^SMTP login failed — check user\/password/)
    expect(mock!.authAttempts).toEqual([{ user: 'knocker', ok: false }])
    expect(mock!.commands.some((c) => c.stage === 'MAIL')).toBe(false)
    expect(mock!.received).toHaveLength(0)

    await h!.admin('PATCH', `/api/endpoints/${endpoint.id}`, { smtp: { password: PASSWORD }, clear_attention: true })
    const ok = await h!.admin('POST', `/api/endpoints/${endpoint.id}/test`, { event: 'problem_report.closed' })
    expect(ok.json).toMatchObject({ ok: true, status: 'delivered', status_code: 250 })
    const [message] = await mock!.waitForMessages(1)
    expect(message.parsed.subject).toBe('[TEST] [Flipfix] Eight Ball Deluxe: problem report #412 closed by Diana')
    expect(message.parsed.text.startsWith(TEST_NOTICE)).toBe(true)
    expect(message.parsed.html).toContain('TEST')
    // A test never joins (or opens) a real report's thread.
    expect(message.parsed.inReplyTo).toBeUndefined()
    expect(message.parsed.messageId).not.toBe(ROOT_412)
    // verify logged in once, then the send logged in again on its pooled connection.
    expect(mock!.authAttempts.map((a) => a.ok)).toEqual([false, true, true])
  })

  it('never exposes the SMTP password: not in the API, stored attempts, logs or the database file', async () => {
    await start({ mock: { auth: { user: 'knocker', password: PASSWORD } } })
    const endpoint = await addEndpoint({}, { user: 'knocker', password: PASSWORD })
    expect(endpoint.target).toBe(`127.0.0.1:${mock!.port} → 2 recipients`)
    expect(endpoint.settings).toEqual({
      host: '127.0.0.1',
      port: mock!.port,
      security: 'none',
      user: 'knocker',
      from: FROM,
      to: ['ops@museum.test', 'crew@museum.test'],
    })
    await h!.post(sampleEvent('problem_report.created'))
    await mock!.waitForMessages(1)
    await h!.admin('POST', `/api/endpoints/${endpoint.id}/test`, {})
    await h!.settle()
    // And a failure path: the server starts refusing the login.
    await h!.admin('PATCH', `/api/endpoints/${endpoint.id}`, { smtp: { user: 'someone-else' } })
    await h!.admin('POST', `/api/endpoints/${endpoint.id}/test`, {})

    const outputs = [
      await h!.admin('GET', '/api/endpoints'),
      await h!.admin('GET', `/api/endpoints/${endpoint.id}`),
      await h!.admin('GET', '/api/deliveries?limit=50'),
      ...(await Promise.all((await deliveries()).map((d) => h!.admin('GET', `/api/deliveries/${d.id}`)))),
    ]
    const everything = JSON.stringify(outputs) + h!.logs.join('')
    expect(everything).toContain('knocker@museum.test')
    expect(everything).not.toContain(PASSWORD)
    expect(everything).not.toContain(Buffer.from(PASSWORD).toString('base64'))
    // The target is stored encrypted: not even the database file holds the password.
    for (const file of readdirSync(h!.dataDir).filter((f) => f.startsWith('knocker.db'))) {
      expect(readFileSync(join(h!.dataDir, file)).includes(PASSWORD), file).toBe(false)
    }
  })

  it('validates settings with field paths and allows plaintext or LAN hosts only with "allow private targets"', async () => {
    await start()
    const create = (patch: Record<string, unknown>, smtp: Record<string, unknown> = {}) =>
      h!.admin('POST', '/api/endpoints', {
        name: 'x',
        kind: 'email',
        smtp: { host: 'smtp.example.org', port: 587, security: 'starttls', ...smtp },
        from: FROM,
        to: ['ops@museum.test'],
        ...patch,
      })
    const pathOf = (res: { status: number; json: any }) => {
      expect(res.status, JSON.stringify(res.json)).toBe(400)
      return res.json.error.issues[0].path
    }
    expect(pathOf(await create({ to: ['ops@museum.test', 'not-an-address'] }))).toBe('to.1')
    expect(pathOf(await create({ from: 'nobody' }))).toBe('from')
    expect(pathOf(await create({}, { host: 'smtp://smtp.example.org:587' }))).toBe('smtp.host')
    expect(pathOf(await create({}, { user: 'knocker' }))).toBe('smtp.password')

    await h!.admin('PATCH', '/api/settings', { allow_private_targets: false })
    const lan = await create({}, { host: '192.168.1.20' })
    expect(pathOf(lan)).toBe('smtp.host')
    expect(lan.json.error.issues[0].message).toContain('allow private targets')
    const plain = await create({}, { security: 'none', port: 25 })
    expect(pathOf(plain)).toBe('smtp.security')
    expect(plain.json.error.issues[0].message).toMatch(/^Unencrypted SMTP \("none"\)/)
    const good = await create({ to: ['ops@museum.test', 'OPS@museum.test'] }, { host: 'SMTP.Example.org.' })
    expect(good.status).toBe(201)
    expect(good.json.target).toBe('smtp.example.org:587 → 1 recipient')

    // Updates merge into the stored target and parse again; clearing the user removes the login.
    const withLogin = await create({}, { user: 'knocker', password: PASSWORD })
    const id = withLogin.json.id
    const portOnly = await h!.admin('PATCH', `/api/endpoints/${id}`, { smtp: { port: 465, security: 'tls' } })
    expect(portOnly.json.settings).toMatchObject({ port: 465, security: 'tls', user: 'knocker' })
    expect(h!.core.endpoints.target(id)).toMatchObject({ smtp: { password: PASSWORD } })
    const noLogin = await h!.admin('PATCH', `/api/endpoints/${id}`, { smtp: { user: '' } })
    expect(noLogin.json.settings.user).toBeNull()
    expect((h!.core.endpoints.target(id) as any).smtp).toEqual({ host: 'smtp.example.org', port: 465, security: 'tls' })
  })

  it('sends over STARTTLS when required, and flags an endpoint whose server does not offer it', async () => {
    // The mock's self-signed certificate is accepted only through the test-only tls option.
    await start({ mock: { starttls: true }, channel: { tls: { rejectUnauthorized: false } } })
    await h!.admin('PATCH', '/api/settings', { allow_private_targets: true })
    await addEndpoint({}, { security: 'starttls' })
    await h!.post(sampleEvent('machine.created'))
    const [message] = await mock!.waitForMessages(1)
    expect(message.session.secure).toBe(true)
    await h!.close()
    await mock!.close()

    await start({ mock: { starttls: false } })
    const endpoint = await addEndpoint({}, { security: 'starttls' })
    await h!.post(sampleEvent('machine.created'))
    const flagged = await waitFor(async () => (await h!.admin('GET', `/api/endpoints/${endpoint.id}`)).json.needs_attention, 3000, 'flag')
    expect(flagged).toMatch(/does not offer the required TLS \(STARTTLS\)/)
    expect(mock!.commands.some((c) => c.stage === 'MAIL')).toBe(false)
  })

  it('paces a burst: 5 at once, then one every 4 s', async () => {
    await start({ realPacing: true })
    expect(channel.pacing).toEqual({ burst: 5, perSecond: 0.25 })
    await addEndpoint()
    const events = Array.from({ length: 8 }, () => sampleEvent('log_entry.created'))
    expect((await h!.post({ events })).status).toBe(202)
    await mock!.waitForMessages(5)
    await new Promise((r) => setTimeout(r, 300))
    expect(mock!.messages).toHaveLength(5)
    h!.advance(4000)
    await mock!.waitForMessages(6)
    await new Promise((r) => setTimeout(r, 200))
    expect(mock!.messages).toHaveLength(6)
    h!.advance(8000)
    await mock!.waitForMessages(8)
  })

  it('keys pools by target: changed settings get a new pool, idle pools are closed', async () => {
    await start()
    const endpoint = await addEndpoint()
    await h!.post(sampleEvent('machine.created'))
    await mock!.waitForMessages(1)
    expect(channel.pool.size).toBe(1)
    await h!.admin('PATCH', `/api/endpoints/${endpoint.id}`, { to: ['ops@museum.test'] })
    await h!.post(sampleEvent('machine.created'))
    const messages = await mock!.waitForMessages(2)
    expect(messages[1].envelope.to).toEqual(['ops@museum.test'])
    await h!.settle()
    expect(channel.pool.size).toBe(2)
    expect(mock!.connectionCount).toBe(2)
    channel.pool.closeIdle(Date.now())
    expect(channel.pool.size).toBe(2) // recently used: kept
    channel.pool.closeIdle(Date.now() + 11 * 60_000)
    expect(channel.pool.size).toBe(0)
  })
})
