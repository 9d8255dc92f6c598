// nodemailer results → SendResult → Outcome. Errors are shaped exactly as nodemailer builds
// them (code, response, responseCode, command, rejected/rejectedErrors, originalCode).
import { describe, expect, it } from 'vitest'
import { classifyEmail } from '../../src/main/core/channels/email/classify'
import {
  refused,
  resultFromError,
  resultFromInfo,
  scrubSecret,
} from '../../src/main/core/channels/email/smtpResult'
import type { SendResult } from '../../src/main/core/channels/types'

const PASSWORD = 'hunter2-Secret!'
const scrub = (text: string) => scrubSecret(text, 'knocker', PASSWORD)

function smtpError(fields: Record<string, unknown>): Error {
  const response = fields.response as string | undefined
  const err = new Error(`${fields.message ?? 'failed'}${response ? `: ${response}` : ''}`)
  return Object.assign(err, fields, response ? { responseCode: Number(response.slice(0, 3)) } : {})
}

const fromError = (fields: Record<string, unknown>) => resultFromError(smtpError(fields), 12, scrub)
const outcomeOf = (fields: Record<string, unknown>) => classifyEmail(fromError(fields))

function rcptError(address: string, response: string): Error {
  return smtpError({ code: 'EENVELOPE', message: 'Recipient command failed', response, command: 'RCPT TO', recipient: address })
}

describe('email result mapping', () => {
  it('maps a 250 with every recipient accepted to a delivered outcome with the Message-ID', () => {
    const result = resultFromInfo(
      { response: '250 2.0.0 Ok: queued as 4Xy1', messageId: '<m1@knocker>', accepted: ['a@x.test', 'b@x.test'], rejected: [] },
      30,
      scrub,
    )
    expect(result).toEqual({
      ok: true,
      response: { status: 250, headers: {}, body: '250 2.0.0 Ok: queued as 4Xy1\nmessage-id: <m1@knocker>\naccepted: a@x.test, b@x.test' },
      durationMs: 30,
      smtp: { reply: '250 2.0.0 Ok: queued as 4Xy1', messageId: '<m1@knocker>', accepted: ['a@x.test', 'b@x.test'], rejected: [] },
    })
    expect(classifyEmail(result)).toEqual({ result: 'delivered', remoteId: '<m1@knocker>' })
  })

  it('delivers a partly rejected message and notes who did not get it, with the server reply', () => {
    const result = resultFromInfo(
      {
        response: '250 OK',
        messageId: '<m2@knocker>',
        accepted: ['ops@x.test'],
        rejected: ['gone@x.test', 'full@x.test'],
        rejectedErrors: [
          rcptError('gone@x.test', '550 5.1.1 <gone@x.test>: User unknown'),
          rcptError('full@x.test', '452 4.2.2 Mailbox full'),
        ],
      },
      5,
      scrub,
    )
    expect(classifyEmail(result)).toEqual({
      result: 'delivered',
      remoteId: '<m2@knocker>',
      note: 'Not delivered to gone@x.test (550 5.1.1 <gone@x.test>: User unknown); full@x.test (452 4.2.2 Mailbox full).',
    })
  })

  it('hands classify the reply typed, and keeps it as readable text for the history', () => {
    const result = resultFromError(
      Object.assign(rcptError('a@x.test', '550 5.1.1 nope'), { rejected: ['a@x.test'], rejectedErrors: [rcptError('a@x.test', '550 5.1.1 nope — really')] }),
      4,
      scrub,
    )
    expect(result).toMatchObject({
      ok: true,
      response: { status: 550, body: '550 5.1.1 nope\nerror: EENVELOPE (RCPT TO)\nrejected: a@x.test — 550 5.1.1 nope — really' },
      smtp: {
        reply: '550 5.1.1 nope',
        error: { code: 'EENVELOPE', command: 'RCPT TO' },
        accepted: [],
        rejected: [{ address: 'a@x.test', reply: '550 5.1.1 nope — really' }],
      },
    })
    // The typed reply decides, whatever the text body says.
    const tampered = { ...result, response: { ...(result as { response: object }).response, body: 'error: EAUTH (AUTH PLAIN)' } } as SendResult
    expect(classifyEmail(tampered)).toMatchObject({ result: 'permanent', message: expect.stringContaining('every recipient was refused') })
  })
})

describe('email classify', () => {
  it('535 / EAUTH fails permanently and flags the endpoint', () => {
    const result = fromError({ code: 'EAUTH', message: 'Invalid login', response: '535 5.7.8 Error: authentication failed', command: 'AUTH PLAIN' })
    expect(result).toMatchObject({ ok: true, response: { status: 535, headers: {} } })
    expect(classifyEmail(result)).toEqual({
      result: 'permanent',
      errorClass: 'rejected',
      message: 'SMTP login failed — check user/password (535 5.7.8 Error: authentication failed).',
      flagEndpoint: true,
    })
  })

  it('a temporary login failure (454) is retried', () => {
    expect(outcomeOf({ code: 'EAUTH', response: '454 4.7.0 Temporary authentication failure', command: 'AUTH PLAIN' })).toMatchObject({
      result: 'retry',
      errorClass: 'server_error',
    })
  })

  it('TLS required but not offered (STARTTLS refused) flags the endpoint', () => {
    const outcome = outcomeOf({ code: 'ETLS', message: 'Error upgrading connection with STARTTLS', response: '502 5.5.1 Error: command not recognized', command: 'STARTTLS' })
    expect(outcome).toMatchObject({ result: 'permanent', errorClass: 'rejected', flagEndpoint: true })
    expect(outcome.result === 'permanent' && outcome.message).toContain('does not offer the required TLS (STARTTLS)')
  })

  it('a TLS handshake failure without a reply (bad certificate, wrong port) flags the endpoint', () => {
    const result = fromError({ code: 'ETLS', message: 'Error initiating TLS - self-signed certificate', command: 'CONN' })
    expect(result).toMatchObject({ ok: false, errorClass: 'network' })
    const outcome = classifyEmail(result)
    expect(outcome).toMatchObject({ result: 'permanent', flagEndpoint: true })
    expect(outcome.result === 'permanent' && outcome.message).toContain('self-signed certificate')
  })

  it('5xx on DATA fails this message only; 5xx on MAIL FROM or every RCPT TO flags the settings', () => {
    expect(outcomeOf({ code: 'EMESSAGE', message: 'Message failed', response: '550 5.7.1 Message content rejected', command: 'DATA' })).toEqual({
      result: 'permanent',
      errorClass: 'rejected',
      message: 'SMTP: the server refused the message (550 5.7.1 Message content rejected).',
      flagEndpoint: false,
    })
    expect(outcomeOf({ code: 'EENVELOPE', message: 'Mail command failed', response: '553 5.7.1 Sender not owned by user', command: 'MAIL FROM' })).toMatchObject({
      result: 'permanent',
      flagEndpoint: true,
      message: expect.stringContaining('refused the sender address (553 5.7.1 Sender not owned by user)'),
    })
    const allRejected = smtpError({
      code: 'EENVELOPE',
      message: "Can't send mail - all recipients were rejected",
      response: '550 5.1.1 <a@x.test>: User unknown',
      command: 'RCPT TO',
      rejected: ['a@x.test'],
      rejectedErrors: [rcptError('a@x.test', '550 5.1.1 <a@x.test>: User unknown')],
    })
    expect(classifyEmail(resultFromError(allRejected, 1, scrub))).toEqual({
      result: 'permanent',
      errorClass: 'rejected',
      message: 'SMTP: every recipient was refused: a@x.test (550 5.1.1 <a@x.test>: User unknown) — check the recipient addresses.',
      flagEndpoint: true,
    })
  })

  it('flags a "from" the login may not send as (Microsoft 365 SendAsDenied after DATA)', () => {
    const outcome = outcomeOf({
      code: 'EMESSAGE',
      response: '554 5.2.252 SendAsDenied; knocker@museum.test not allowed to send as boss@museum.test',
      command: 'DATA',
    })
    expect(outcome).toMatchObject({ result: 'permanent', flagEndpoint: true, message: expect.stringContaining('may not send as the "from" address') })
  })

  it('4xx replies, 421 and 503 are retried as server errors', () => {
    for (const [code, response, command] of [
      ['EMESSAGE', '451 4.3.0 Temporary failure', 'DATA'],
      ['EENVELOPE', '450 4.2.1 Mailbox busy', 'RCPT TO'],
      ['EENVELOPE', '421 4.7.0 Too many connections', 'MAIL FROM'],
      ['EPROTOCOL', '503 5.5.1 Bad sequence of commands', 'RSET'],
    ]) {
      const result = fromError({ code, response, command })
      expect(result).toMatchObject({ ok: true, response: { status: Number(response.slice(0, 3)) } })
      expect(classifyEmail(result)).toEqual({
        result: 'retry',
        errorClass: 'server_error',
        message: `SMTP: the server deferred the message (${response}); will retry.`,
      })
    }
  })

  it('connection, socket and DNS errors retry as network; timeouts as timeout', () => {
    const refusedConn = fromError({ code: 'ESOCKET', originalCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:25', command: 'CONN' })
    expect(refusedConn).toEqual({
      ok: false,
      errorClass: 'network',
      code: 'ESOCKET',
      message: 'ESOCKET: could not reach the SMTP server [ECONNREFUSED] (connect ECONNREFUSED 127.0.0.1:25)',
      durationMs: 12,
    })
    expect(classifyEmail(refusedConn)).toEqual({ result: 'retry', errorClass: 'network', message: `SMTP: ${refusedConn.ok ? '' : refusedConn.message}` })
    expect(classifyEmail(fromError({ code: 'ECONNECTION', message: 'Connection closed unexpectedly' }))).toMatchObject({ result: 'retry', errorClass: 'network' })
    expect(classifyEmail(fromError({ code: 'EDNS', message: 'getaddrinfo ENOTFOUND smtp.nowhere.test' }))).toMatchObject({ result: 'retry', errorClass: 'network' })
    expect(classifyEmail(fromError({ code: 'ETIMEDOUT', message: 'Greeting never received' }))).toMatchObject({ result: 'retry', errorClass: 'timeout' })
    expect(classifyEmail(fromError({ code: 'EABORT', message: 'Message sending aborted' }))).toMatchObject({ result: 'retry', errorClass: 'timeout' })
  })

  it('our own refusals (private host, plaintext) flag the endpoint instead of retrying', () => {
    for (const code of ['PRIVATE_ADDRESS', 'PLAINTEXT_REFUSED'] as const) {
      expect(classifyEmail(refused(code))).toMatchObject({ result: 'permanent', flagEndpoint: true, message: expect.stringContaining('allow private targets') })
    }
  })

  it('never lets the password through, in any form a server or nodemailer could echo', () => {
    const b64 = Buffer.from(PASSWORD).toString('base64')
    const plain = Buffer.from(`\0knocker\0${PASSWORD}`).toString('base64')
    const results: SendResult[] = [
      fromError({ code: 'EAUTH', message: `Invalid login for ${PASSWORD}`, response: `535 bad ${b64} ${plain}`, command: 'AUTH PLAIN' }),
      fromError({ code: 'ECONNECTION', message: `closed after ${PASSWORD}` }),
    ]
    for (const result of results) {
      const everything = JSON.stringify([result, classifyEmail(result)])
      expect(everything).not.toContain(PASSWORD)
      expect(everything).not.toContain(b64)
      expect(everything).not.toContain(plain)
      expect(everything).toContain('[redacted]')
    }
  })

  it('caps a long list of refused recipients in the note', () => {
    const addresses = Array.from({ length: 14 }, (_, i) => `r${i}@x.test`)
    const result = resultFromInfo({ response: '250 OK', accepted: ['ok@x.test'], rejected: addresses }, 1, scrub)
    const outcome = classifyEmail(result)
    expect(outcome.result === 'delivered' && outcome.note).toBe(`Not delivered to ${addresses.slice(0, 10).join('; ')}; and 4 more.`)
  })
})
