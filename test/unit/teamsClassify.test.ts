import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pauseAfter } from './delivery/fakes'
import { teamsChannel } from '../../src/main/core/channels/teams'
import { withWait } from '../../src/main/core/delivery/backoff'
import { TargetError, type ResponseSnapshot, type SendResult } from '../../src/main/core/channels/types'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { formatCtx } from './formatContext'

// What a person is told when the pasted URL lacks sig=, or is a retired connector's.
const MISSING_SIG = 'a Teams Workflows URL must carry sig=… (copy the whole URL from the workflow\'s trigger, including everything after "?")'
const CONNECTOR_RETIRED =
  'This is an Office 365 connector ("Incoming Webhook") URL. Microsoft has retired Teams connectors: they no longer post. ' +
  'Create a Workflow instead. In Teams, open the channel → ••• → Workflows → "Post to a channel when a webhook request is received", ' +
  'finish the steps and paste the URL it shows (it ends in …&sig=…).'

const SIG = 'Xy9_secretSignature-AbCdEfGhIjKlMnOpQrStUv'
const WID = '4b1d2c3e5f60718293a4b5c6d7e8f9a0'
const LOGIC = `https://prod-12.westus.logic.azure.com:443/workflows/${WID}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`
const POWER = `https://default1a2b3c4d5e6f.07.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/${WID}/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`

const parse = (url: unknown, allowPrivate = false) => teamsChannel.parseTarget({ url, allowPrivate })

function parseError(url: unknown, allowPrivate = false): TargetError {
  try {
    parse(url, allowPrivate)
  } catch (error) {
    expect(error).toBeInstanceOf(TargetError)
    const e = error as TargetError
    expect(e.path).toBe('url')
    expect(e.message).not.toContain(SIG)
    expect(e.message).not.toContain(WID)
    return e
  }
  throw new Error('expected a TargetError')
}

function reply(status: number, body: unknown = '', headers: Record<string, string> = {}): SendResult {
  const response: ResponseSnapshot = { status, headers, body: typeof body === 'string' ? body : JSON.stringify(body) }
  return { ok: true, response, durationMs: 20 }
}
const workflowsError = (code: string, message = 'Something is wrong.') => ({ error: { code, message } })

describe('parseTarget', () => {
  it.each([
    ['a Logic Apps Workflows URL', LOGIC],
    ['a Power Platform Workflows URL', POWER],
  ])('keeps %s verbatim', (_name, url) => {
    expect(parse(url)).toEqual({ url, workflowId: WID })
    expect(parse(`  ${url}\n`)).toEqual({ url, workflowId: WID })
  })

  it('accepts its own output again (updates re-parse the stored target)', () => {
    const target = parse(LOGIC)
    expect(teamsChannel.parseTarget({ ...target, allowPrivate: false })).toEqual(target)
  })

  it('upgrades http:// of a Workflows host to https:// and drops a #fragment', () => {
    const t = parse(LOGIC.replace('https://', 'http://') + '#x')
    expect(t.url).toBe(LOGIC.replace(':443', '').replace(/#x$/, ''))
    expect(new URL(t.url).searchParams.get('sig')).toBe(SIG)
  })

  it('requires sig= with a clear message', () => {
    expect(parseError(LOGIC.replace(`&sig=${SIG}`, '')).message).toBe(MISSING_SIG)
    expect(parseError(LOGIC.replace(`&sig=${SIG}`, '&sig=')).message).toBe(MISSING_SIG)
    expect(MISSING_SIG).toMatch(/^a Teams Workflows URL must carry sig=…/)
  })

  it('explains a URL whose "&" were HTML-escaped on the way', () => {
    expect(parseError(LOGIC.replaceAll('&', '&amp;')).message).toMatch(/contains "&amp;" where "&" belongs/)
  })

  it('requires api-version=', () => {
    expect(parseError(LOGIC.replace('api-version=2016-06-01&', '')).message).toMatch(/must carry api-version=/)
  })

  it.each([
    ['https://contoso.webhook.office.com/webhookb2/1111@2222/IncomingWebhook/3333/4444'],
    ['https://outlook.office.com/webhook/1111@2222/IncomingWebhook/3333/4444'],
  ])('rejects a retired connector URL and says how to make a Workflow: %s', (url) => {
    const e = parseError(url)
    expect(e.message).toBe(CONNECTOR_RETIRED)
    expect(e.message).toMatch(/retired Teams connectors/)
    expect(e.message).toContain('"Post to a channel when a webhook request is received"')
  })

  it.each([
    ['nothing', ''],
    ['not a string', 42],
    ['not a URL', 'teams please'],
    ['another host', LOGIC.replace('prod-12.westus.logic.azure.com', 'evil.example')],
    ['a look-alike host', LOGIC.replace('logic.azure.com', 'logic.azure.com.evil.example')],
    ['the bare domain', LOGIC.replace('prod-12.westus.', '')],
    ['another port', LOGIC.replace(':443', ':8443')],
    ['no workflows path', LOGIC.replace(`/workflows/${WID}/triggers/manual/paths/invoke`, '/api/hook')],
    ['a path without /paths/invoke', LOGIC.replace('/paths/invoke', '/run')],
    ['a path with more after invoke', LOGIC.replace('/paths/invoke', '/paths/invoke/extra')],
    ['user:password@', LOGIC.replace('https://', 'https://me:pw@')],
    ['a private host without allowPrivate', `http://127.0.0.1:8080/workflows/${WID}/triggers/manual/paths/invoke?api-version=1&sig=${SIG}`],
  ])('rejects %s', (_name, url) => {
    expect(parseError(url).message.length).toBeGreaterThan(10)
  })

  it('accepts a private host with the Workflows path when allowPrivate is on', () => {
    const url = `http://127.0.0.1:8080/workflows/${WID}/triggers/manual/paths/invoke?api-version=1&sp=x&sv=1.0&sig=${SIG}`
    expect(parse(url, true)).toEqual({ url, workflowId: WID })
    expect(parseError(url.replace('/workflows/', '/flows/'), true).message).toMatch(/^Not a Teams Workflows URL/)
    expect(parseError(url.replace(`&sig=${SIG}`, ''), true).message).toBe(MISSING_SIG)
  })
})

describe('redactTarget', () => {
  it('shows the host and the end of the workflow id, never the sig', () => {
    expect(teamsChannel.redactTarget(parse(LOGIC))).toBe('prod-12.westus.logic.azure.com …f9a0')
    expect(teamsChannel.redactTarget(parse(POWER))).toBe('default1a2b3c4d5e6f.07.environment.api.powerplatform.com …f9a0')
    expect(teamsChannel.redactTarget(parse(LOGIC))).not.toContain(SIG.slice(-4))
  })
})

describe('classify', () => {
  it('202 (queued) and 200 are delivered; the run id is kept', () => {
    expect(teamsChannel.classify(reply(202, '', { 'x-ms-workflow-run-id': '08584123CU07' }))).toEqual({ result: 'delivered', remoteId: '08584123CU07' })
    expect(teamsChannel.classify(reply(200, 'ok'))).toEqual({ result: 'delivered' })
  })

  it.each([
    [400, 'WorkflowTriggerIsNotEnabled', /turned off; turn it on/],
    [400, 'TriggerInputSchemaMismatch', /"Post to a channel when a webhook request is received"/],
    [401, 'DirectApiAuthorizationRequired', /no signature/],
    [401, 'DirectApiInvalidAuthorizationSignature', /signature is wrong or was regenerated/],
    [404, 'WorkflowNotFound', /was deleted; create a new one/],
  ])('%i %s is permanent and flags the endpoint', (status, code, advice) => {
    const outcome = teamsChannel.classify(reply(status, workflowsError(code, 'The details.')))
    expect(outcome).toEqual({ result: 'permanent', errorClass: 'rejected', message: expect.stringMatching(advice), flagEndpoint: true })
    if (outcome.result !== 'permanent') throw new Error('type')
    expect(outcome.message).toMatch(new RegExp(`^Teams Workflows: ${code}: The details — `))
  })

  it('401/403/404 without a known code still flag the endpoint', () => {
    for (const status of [401, 403, 404]) {
      const outcome = teamsChannel.classify(reply(status, '<html>nope</html>'))
      expect(outcome).toMatchObject({ result: 'permanent', flagEndpoint: true, message: expect.stringContaining(`HTTP ${status}`) })
    }
  })

  it('other 4xx answers are about the message: permanent, endpoint not flagged', () => {
    expect(teamsChannel.classify(reply(400, workflowsError('InvalidRequestContent', 'The request content was invalid.')))).toEqual({
      result: 'permanent',
      errorClass: 'rejected',
      message: 'Teams Workflows rejected the message: InvalidRequestContent: The request content was invalid.',
      flagEndpoint: false,
    })
    expect(teamsChannel.classify(reply(413, ''))).toMatchObject({ result: 'permanent', flagEndpoint: false, message: expect.stringContaining('HTTP 413') })
  })

  it('429 waits as long as Retry-After says and pauses the endpoint', () => {
    const outcome = teamsChannel.classify(reply(429, workflowsError('WorkflowRequestsThrottled'), { 'retry-after': '7' }))
    expect(outcome).toEqual({
      result: 'retry',
      errorClass: 'rate_limited',
      message: 'Teams Workflows: rate limited (429).',
      retryAfterMs: 7000,
      rateLimit: { waitMs: 7000 },
    })
    expect(withWait(outcome)).toMatchObject({ message: 'Teams Workflows: rate limited (429). Retrying in 7.0 s.' })
  })

  it('429 with an HTTP-date Retry-After, and without one (the engine waits its default)', () => {
    const now = Date.parse('2026-07-18T19:00:00Z')
    const dated = teamsChannel.classify(reply(429, '', { 'retry-after': 'Sat, 18 Jul 2026 19:00:30 GMT' }), now)
    expect(dated).toMatchObject({ result: 'retry', retryAfterMs: 30_000, rateLimit: { waitMs: 30_000 } })
    const unsaid = teamsChannel.classify(reply(429, ''))
    expect(unsaid).toEqual({ result: 'retry', errorClass: 'rate_limited', message: 'Teams Workflows: rate limited (429).' })
    // Like every destination's 429, it pauses the endpoint for the one default wait.
    expect(pauseAfter(unsaid)).toEqual({ waitMs: 60_000, global: false })
  })

  it('5xx retries (with Retry-After when given); 408 is a timeout', () => {
    expect(teamsChannel.classify(reply(502, workflowsError('BadGateway', 'The service is temporarily unavailable.')))).toEqual({
      result: 'retry',
      errorClass: 'server_error',
      message: 'Teams Workflows: server error 502 (BadGateway: The service is temporarily unavailable); will retry.',
    })
    expect(teamsChannel.classify(reply(503, '', { 'retry-after': '12' }))).toMatchObject({ result: 'retry', errorClass: 'server_error', retryAfterMs: 12_000 })
    expect(teamsChannel.classify(reply(408, ''))).toMatchObject({ result: 'retry', errorClass: 'timeout' })
  })

  it('a redirect is not followed and flags the endpoint', () => {
    expect(teamsChannel.classify(reply(302, '', { location: 'https://elsewhere.example/' }))).toMatchObject({ result: 'permanent', flagEndpoint: true })
  })

  it('network errors and timeouts retry with their class', () => {
    expect(teamsChannel.classify({ ok: false, errorClass: 'timeout', message: 'UND_ERR_HEADERS_TIMEOUT: no response in time', durationMs: 300 })).toEqual({
      result: 'retry',
      errorClass: 'timeout',
      message: 'Teams Workflows: UND_ERR_HEADERS_TIMEOUT: no response in time',
    })
    expect(teamsChannel.classify({ ok: false, errorClass: 'network', message: 'ECONNREFUSED: connection refused', durationMs: 3 })).toMatchObject({ result: 'retry', errorClass: 'network' })
  })

  it('a long error message from the service is cut', () => {
    const outcome = teamsChannel.classify(reply(400, workflowsError('Odd', 'x'.repeat(5000))))
    if (outcome.result !== 'permanent') throw new Error('type')
    expect(outcome.message.length).toBeLessThan(400)
  })
})

describe('send', () => {
  let server: Server
  let base = ''
  const seen: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = []
  const dispatcher = new Agent()

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        seen.push({ url: req.url ?? '', headers: req.headers, body })
        res.writeHead(202, { 'x-ms-workflow-run-id': '08584999CU01', 'content-length': '0' })
        res.end()
      })
    })
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await dispatcher.close()
    await new Promise((ok) => server.close(ok))
  })

  it('POSTs the card as JSON to the URL exactly as stored, adding nothing', async () => {
    const path = `/workflows/${WID}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`
    const target = teamsChannel.parseTarget({ url: base + path, allowPrivate: true })
    const prepared = teamsChannel.format(SAMPLE_EVENTS['problem_report.created'], formatCtx())
    const result = await teamsChannel.send(target, prepared, { dispatcher, timeoutMs: 2000, allowPrivate: true, now: Date.now })
    expect(teamsChannel.classify(result)).toEqual({ result: 'delivered', remoteId: '08584999CU01' })
    expect(seen).toHaveLength(1)
    expect(seen[0].url).toBe(path)
    expect(seen[0].headers['content-type']).toBe('application/json')
    expect(JSON.parse(seen[0].body)).toEqual(prepared.body)
    // The stored request body never holds the secret.
    expect(JSON.stringify(prepared)).not.toContain(SIG)
  })
})
