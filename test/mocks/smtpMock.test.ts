// The SMTP mock behaves like a real server, checked with a plain (unpooled) nodemailer client.
import nodemailer from 'nodemailer'
import { afterEach, describe, expect, it } from 'vitest'
import { startSmtpMock, type SmtpMock, type SmtpMockOptions } from './smtpMock'

let mock: SmtpMock
afterEach(async () => mock?.close())

async function client(options: SmtpMockOptions = {}, auth?: { user: string; pass: string }) {
  mock = await startSmtpMock(options)
  return nodemailer.createTransport({
    host: mock.host,
    port: mock.port,
    secure: false,
    ...(options.starttls ? { requireTLS: true, tls: { rejectUnauthorized: false } } : { ignoreTLS: true }),
    ...(auth && { auth }),
    connectionTimeout: 2000,
    greetingTimeout: 2000,
    socketTimeout: 2000,
  })
}

const mail = (patch: Record<string, unknown> = {}) => ({
  from: 'Knocker <knocker@museum.test>',
  to: ['ops@museum.test'],
  subject: 'Hello',
  text: 'plain body',
  html: '<p>html body</p>',
  messageId: '<fixed.1@knocker>',
  inReplyTo: '<root@knocker>',
  references: ['<root@knocker>'],
  headers: { 'Auto-Submitted': 'auto-generated' },
  ...patch,
})

describe('SMTP mock', () => {
  it('accepts a message and parses subject, both parts, threading headers and the envelope', async () => {
    const transport = await client()
    const info = await transport.sendMail(mail())
    expect(info.response).toMatch(/^250 /)
    const [message] = await mock.waitForMessages(1)
    expect(message.envelope).toEqual({ from: 'knocker@museum.test', to: ['ops@museum.test'] })
    expect(message.parsed.subject).toBe('Hello')
    expect(message.parsed.text.trim()).toBe('plain body')
    expect(message.parsed.html).toContain('<p>html body</p>')
    expect(message.parsed.messageId).toBe('<fixed.1@knocker>')
    expect(message.parsed.inReplyTo).toBe('<root@knocker>')
    expect(message.parsed.references).toEqual(['<root@knocker>'])
    expect(message.parsed.headers['auto-submitted']).toBe('auto-generated')
    expect(message.session.secure).toBe(false)
    expect(mock.commands.map((c) => [c.stage, c.code])).toEqual([
      ['CONNECT', 250],
      ['MAIL', 250],
      ['RCPT', 250],
      ['DATA', 250],
    ])
  })

  it('requires AUTH when configured: the right password passes, a wrong one gets 535', async () => {
    let transport = await client({ auth: { user: 'knocker', password: 's3cret' } }, { user: 'knocker', pass: 's3cret' })
    await transport.sendMail(mail())
    expect(mock.messages[0].session.user).toBe('knocker')
    await mock.close()
    transport = await client({ auth: { user: 'knocker', password: 's3cret' } }, { user: 'knocker', pass: 'wrong' })
    const error = await transport.sendMail(mail()).catch((e) => e)
    expect(error.code).toBe('EAUTH')
    expect(error.responseCode).toBe(535)
    expect(mock.authAttempts).toEqual([{ user: 'knocker', ok: false }])
    expect(mock.messages).toHaveLength(0)
  })

  it('refuses MAIL without a login when AUTH is required', async () => {
    const transport = await client({ auth: { user: 'knocker', password: 's3cret' } })
    const error = await transport.sendMail(mail()).catch((e) => e)
    expect(error.responseCode).toBe(530)
  })

  it('answers scripted 550 on MAIL FROM and 451 after DATA, each once', async () => {
    const transport = await client()
    mock.script({ on: 'MAIL', code: 550 }, { on: 'DATA', code: 451 })
    const first = await transport.sendMail(mail()).catch((e) => e)
    expect([first.code, first.responseCode, first.command]).toEqual(['EENVELOPE', 550, 'MAIL FROM'])
    const second = await transport.sendMail(mail()).catch((e) => e)
    expect([second.code, second.responseCode, second.command]).toEqual(['EMESSAGE', 451, 'DATA'])
    // The content of the refused message still arrived and is recorded.
    expect(mock.received.map((m) => m.reply.code)).toEqual([451])
    expect(mock.received[0].parsed.messageId).toBe('<fixed.1@knocker>')
    await transport.sendMail(mail())
    expect(mock.messages).toHaveLength(1)
  })

  it('rejects single recipients and keeps the good ones', async () => {
    const transport = await client()
    mock.rejectRecipient('gone@museum.test')
    mock.rejectRecipient('full@museum.test', 452, '4.2.2 Mailbox full')
    const info = await transport.sendMail(mail({ to: ['ops@museum.test', 'gone@museum.test', 'full@museum.test'] }))
    expect(info.accepted).toEqual(['ops@museum.test'])
    expect(info.rejected).toEqual(['gone@museum.test', 'full@museum.test'])
    expect(info.rejectedErrors?.map((e) => e.responseCode)).toEqual([550, 452])
    const [message] = await mock.waitForMessages(1)
    expect(message.envelope.to).toEqual(['ops@museum.test'])
  })

  it('rejects the whole envelope when every recipient is refused', async () => {
    const transport = await client()
    mock.script({ on: 'RCPT', code: 550 })
    const error = await transport.sendMail(mail()).catch((e) => e)
    expect([error.code, error.responseCode, error.command]).toEqual(['EENVELOPE', 550, 'RCPT TO'])
    expect(error.rejected).toEqual(['ops@museum.test'])
  })

  it('drops the connection on request', async () => {
    const transport = await client()
    mock.script({ on: 'RCPT', drop: true })
    const error = await transport.sendMail(mail()).catch((e) => e)
    expect(error.code).toBe('ECONNECTION')
    expect(error.responseCode).toBeUndefined()
    expect(mock.commands.at(-1)).toMatchObject({ stage: 'RCPT', code: 0 })
  })

  it('offers STARTTLS with a self-signed certificate when asked', async () => {
    const transport = await client({ starttls: true })
    await transport.sendMail(mail())
    const [message] = await mock.waitForMessages(1)
    expect(message.session.secure).toBe(true)
  })

  it('waitForMessages times out with a clear error', async () => {
    await client()
    await expect(mock.waitForMessages(1, 50)).rejects.toThrow('expected 1 messages, got 0')
  })
})
