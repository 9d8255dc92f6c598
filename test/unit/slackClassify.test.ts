import { pauseAfter } from './delivery/fakes'
import { describe, expect, it } from 'vitest'
import { slackChannel } from '../../src/main/core/channels/slack/index'
import { withWait } from '../../src/main/core/delivery/backoff'
import { TargetError, type ResponseSnapshot, type SendResult } from '../../src/main/core/channels/types'

const TEAM = 'T024BE7LD'
const HOOK = 'B0A1B2C3D4E'
const SECRET = 'XwYzAbCdEfGh1234IjKlabcd'
const NORMALISED = `https://hooks.slack.com/services/${TEAM}/${HOOK}/${SECRET}`
const NOW = Date.UTC(2026, 6, 18, 19, 0, 0)

const parse = (url: unknown, allowPrivate = false) => slackChannel.parseTarget({ url, allowPrivate })

function reply(status: number, body = '', headers: Record<string, string> = {}): SendResult {
  const response: ResponseSnapshot = { status, headers, body }
  return { ok: true, response, durationMs: 12 }
}
const classify = (result: SendResult) => slackChannel.classify(result, NOW)

describe('parseTarget', () => {
  it.each([
    NORMALISED,
    `${NORMALISED}/`,
    `  https://HOOKS.slack.com/services/${TEAM}/${HOOK}/${SECRET}?x=1#frag  `,
    `http://hooks.slack.com/services/${TEAM}/${HOOK}/${SECRET}`,
    `https://hooks.slack.com:443/services/${TEAM}/${HOOK}/${SECRET}`,
  ])('normalises %s', (url) => {
    expect(parse(url)).toEqual({ url: NORMALISED, teamId: TEAM, webhookId: HOOK })
  })

  it('accepts Slack GovSlack webhooks', () => {
    expect(parse(`https://hooks.slack-gov.com/services/${TEAM}/${HOOK}/${SECRET}`).url).toBe(
      `https://hooks.slack-gov.com/services/${TEAM}/${HOOK}/${SECRET}`,
    )
  })

  it('accepts its own output again (updates re-parse the stored target)', () => {
    const target = parse(NORMALISED)
    expect(slackChannel.parseTarget({ ...target, allowPrivate: false })).toEqual(target)
  })

  it('lets a local mock through only with allowPrivate, keeping its origin', () => {
    const local = `http://127.0.0.1:8123/services/${TEAM}/${HOOK}/${SECRET}`
    expect(parse(local, true)).toEqual({ url: local, teamId: TEAM, webhookId: HOOK })
    expect(() => parse(local)).toThrow(/local addresses need the "allow private targets" setting/)
  })

  it.each([
    ['not a url', 'slack webhook please'],
    ['another host', `https://evil.example/services/${TEAM}/${HOOK}/${SECRET}`],
    ['a look-alike host', `https://hooks.slack.com.evil.example/services/${TEAM}/${HOOK}/${SECRET}`],
    ['the workspace host', `https://museum.slack.com/services/${TEAM}/${HOOK}/${SECRET}`],
    ['a lower-case team id', `https://hooks.slack.com/services/t024be7ld/${HOOK}/${SECRET}`],
    ['a missing webhook id', `https://hooks.slack.com/services/${TEAM}/${SECRET}`],
    ['a short secret', `https://hooks.slack.com/services/${TEAM}/${HOOK}/abc`],
    ['a secret with bad characters', `https://hooks.slack.com/services/${TEAM}/${HOOK}/${SECRET}!!`],
    ['an extra path segment', `https://hooks.slack.com/services/${TEAM}/${HOOK}/${SECRET}/more`],
    ['a port', `https://hooks.slack.com:8443/services/${TEAM}/${HOOK}/${SECRET}`],
    ['credentials', `https://user:pw@hooks.slack.com/services/${TEAM}/${HOOK}/${SECRET}`],
    ['ftp', `ftp://hooks.slack.com/services/${TEAM}/${HOOK}/${SECRET}`],
  ])('rejects %s with a clear message that does not echo the secret', (_why, url) => {
    let thrown: unknown
    try {
      parse(url)
    } catch (err) {
      thrown = err
    }
    expect(thrown).toBeInstanceOf(TargetError)
    const message = (thrown as TargetError).message
    expect(message).toMatch(/^Not a Slack incoming webhook URL: expected https:\/\/hooks\.slack\.com\/services\/T…\/B…\/…/)
    expect(message).not.toContain(SECRET.slice(0, 12))
    expect((thrown as TargetError).path).toBe('url')
  })

  it('explains Workflow Builder webhooks, which look alike but take no messages', () => {
    expect(() => parse(`https://hooks.slack.com/triggers/${TEAM}/123/${SECRET}`)).toThrow(/Workflow Builder/)
  })

  it('asks for the URL when there is none', () => {
    expect(() => slackChannel.parseTarget({ allowPrivate: false })).toThrow(/Paste the Slack webhook URL/)
  })
})

describe('redactTarget', () => {
  it('shows the host and the last 4 characters of the secret only', () => {
    const hint = slackChannel.redactTarget(parse(NORMALISED))
    expect(hint).toBe('hooks.slack.com …abcd')
    expect(hint).not.toContain(SECRET.slice(0, 20))
  })
})

describe('classify', () => {
  it('delivered only on 200 with the body "ok"', () => {
    expect(classify(reply(200, 'ok'))).toEqual({ result: 'delivered' })
    expect(classify(reply(200, 'ok\n'))).toEqual({ result: 'delivered' })
  })

  it.each([
    [200, '<html>Please log in to the guest network</html>'],
    [200, ''],
    [204, ''],
  ])('%d with %j is not proof of delivery: retry', (status, body) => {
    const outcome = classify(reply(status, body))
    expect(outcome).toMatchObject({ result: 'retry', errorClass: 'server_error' })
    expect(outcome.result === 'retry' && outcome.message).toMatch(/without "ok"/)
  })

  it.each([
    ['no_service', 404, /removed/],
    ['channel_not_found', 404, /channel was deleted/],
    ['channel_is_archived', 410, /archived/],
    ['action_prohibited', 403, /admin restricted/],
    ['invalid_token', 403, /no longer valid/],
  ])('%s (%d) fails permanently and flags the endpoint', (code, status, explains) => {
    const outcome = classify(reply(status, code))
    expect(outcome).toMatchObject({ result: 'permanent', errorClass: 'rejected', flagEndpoint: true })
    if (outcome.result !== 'permanent') throw new Error('type')
    expect(outcome.message).toContain(`${code} (HTTP ${status})`)
    expect(outcome.message).toMatch(explains)
    // flagged (queue held until someone fixes the URL), not switched off
    expect(outcome.disableEndpoint).toBeUndefined()
  })

  it.each(['invalid_payload', 'no_text', 'invalid_blocks', 'too_many_attachments', 'msg_blocks_too_long'])(
    '400 %s fails this message only (our payload; the endpoint is fine)',
    (code) => {
      const outcome = classify(reply(400, code))
      expect(outcome).toMatchObject({ result: 'permanent', errorClass: 'rejected', flagEndpoint: false })
      expect(outcome.result === 'permanent' && outcome.message).toMatch(new RegExp(`^Slack rejected the message: ${code} \\(HTTP 400\\) — `))
    },
  )

  it('429 honours Retry-After and asks the engine to pause the endpoint', () => {
    expect(classify(reply(429, 'rate_limited', { 'retry-after': '1' }))).toEqual({
      result: 'retry',
      errorClass: 'rate_limited',
      message: 'Slack: rate limited.',
      retryAfterMs: 1000,
      rateLimit: { waitMs: 1000 },
    })
    expect(withWait(classify(reply(429, 'rate_limited', { 'retry-after': '1' })))).toMatchObject({ message: 'Slack: rate limited. Retrying in 1.0 s.' })
    expect(classify(reply(429, '', { 'retry-after': '30' }))).toMatchObject({ retryAfterMs: 30_000, rateLimit: { waitMs: 30_000 } })
    // an HTTP date works too; without the header Slack said no wait, and backoff uses its default
    const date = new Date(NOW + 7000).toUTCString()
    expect(classify(reply(429, '', { 'retry-after': date }))).toMatchObject({ retryAfterMs: 7000 })
    const unsaid = classify(reply(429, ''))
    expect(unsaid).toEqual({ result: 'retry', errorClass: 'rate_limited', message: 'Slack: rate limited.' })
    expect(pauseAfter(unsaid)).toEqual({ waitMs: 60_000, global: false })
  })

  it.each([
    [500, 'rollup_error'],
    [502, '<html>Bad Gateway</html>'],
    [503, ''],
  ])('%d %j is transient: retry', (status, body) => {
    const outcome = classify(reply(status, body))
    expect(outcome).toMatchObject({ result: 'retry', errorClass: 'server_error' })
    expect(outcome.result === 'retry' && outcome.message).toBe(
      `Slack: server error ${body === 'rollup_error' ? `rollup_error (HTTP ${status})` : `HTTP ${status}`}; will retry.`,
    )
  })

  it('an unknown answer on 401/403/404/410 still flags; other 4xx only fail the message', () => {
    expect(classify(reply(404, 'Not Found'))).toMatchObject({ result: 'permanent', flagEndpoint: true })
    expect(classify(reply(403, 'team_disabled'))).toMatchObject({ result: 'permanent', flagEndpoint: true })
    expect(classify(reply(413, 'request too large'))).toMatchObject({ result: 'permanent', flagEndpoint: false })
    expect(classify(reply(301, ''))).toMatchObject({ result: 'permanent', flagEndpoint: true })
  })

  it('never quotes an arbitrary response body (it could echo the URL)', () => {
    const outcome = classify(reply(400, `error at ${NORMALISED}`))
    expect(outcome.result === 'permanent' && outcome.message).toBe('Slack rejected the message: HTTP 400.')
  })

  it('network and timeout failures are retried with their class', () => {
    expect(classify({ ok: false, errorClass: 'timeout', message: 'UND_ERR_HEADERS_TIMEOUT: no response in time', durationMs: 300 })).toEqual({
      result: 'retry',
      errorClass: 'timeout',
      message: 'UND_ERR_HEADERS_TIMEOUT: no response in time',
    })
    expect(classify({ ok: false, errorClass: 'network', message: 'ENOTFOUND: host not found (DNS)', durationMs: 3 })).toMatchObject({
      result: 'retry',
      errorClass: 'network',
    })
  })
})

describe('pacing', () => {
  it('stays inside Slack\'s bucket of ~25 refilled 1/s', () => {
    expect(slackChannel.pacing).toEqual({ burst: 10, perSecond: 1 })
  })
})
