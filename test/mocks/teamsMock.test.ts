import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTeamsMock, type MockWorkflow, type TeamsMock } from './teamsMock'

let mock: TeamsMock
let flow: MockWorkflow

async function post(url: string, body: unknown, raw?: string): Promise<{ res: Response; text: string; json: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: raw ?? JSON.stringify(body),
  })
  const text = await res.text()
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { res, text, json }
}

function card(version = '1.4', body: unknown[] = [{ type: 'TextBlock', text: 'Left flipper flaky', wrap: true }]) {
  return {
    type: 'message',
    summary: 'Eight Ball Deluxe: new problem report #412',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version,
          fallbackText: 'fallback',
          speak: 'speak',
          body,
          actions: [{ type: 'Action.OpenUrl', title: 'Open', url: 'https://flipfix.theflip.museum/problem-reports/412/' }],
        },
      },
    ],
  }
}

const withSig = (url: string, sig: string | null) => {
  const u = new URL(url)
  if (sig === null) u.searchParams.delete('sig')
  else u.searchParams.set('sig', sig)
  return u.toString()
}

beforeEach(async () => {
  mock = await startTeamsMock()
  flow = mock.addWorkflow()
})
afterEach(async () => mock.close())

describe('teamsMock: trigger', () => {
  it('answers 202 with an empty body at once and a run id, then records a succeeded run', async () => {
    const { res, text } = await post(flow.url, card())
    expect(res.status).toBe(202)
    expect(text).toBe('')
    const runId = res.headers.get('x-ms-workflow-run-id')
    expect(runId).toMatch(/^08584\d{20}CU\d{2}$/)
    const [run] = await mock.waitForRuns(1)
    // The answer did not wait for the run.
    expect(run!.finishedAt).toBeGreaterThanOrEqual(mock.requests[0]!.answeredAt!)
    expect(run).toMatchObject({ id: runId, workflowId: flow.id, status: 'succeeded' })
    expect(run!.card!.version).toBe('1.4')
    expect(run!.preview).toEqual({ summary: 'Eight Ball Deluxe: new problem report #412', fallbackText: 'fallback', speak: 'speak' })
    expect(mock.requests.map((r) => [r.method, r.status, r.query.sig])).toEqual([['POST', 202, flow.sig]])
  })

  it('serves the Power Platform "direct" path too', async () => {
    const pp = mock.addWorkflow({ style: 'powerplatform' })
    expect(new URL(pp.url).pathname).toBe(`/powerautomate/automations/direct/workflows/${pp.id}/triggers/manual/paths/invoke`)
    expect((await post(pp.url, card())).res.status).toBe(202)
    expect((await mock.waitForRuns(1))[0]!.workflowId).toBe(pp.id)
  })

  it('401 DirectApiAuthorizationRequired without sig, DirectApiInvalidAuthorizationSignature with a wrong one', async () => {
    const missing = await post(withSig(flow.url, null), card())
    expect(missing.res.status).toBe(401)
    expect(missing.json.error.code).toBe('DirectApiAuthorizationRequired')
    const wrong = await post(withSig(flow.url, 'not-the-sig'), card())
    expect(wrong.res.status).toBe(401)
    expect(wrong.json).toEqual({ error: { code: 'DirectApiInvalidAuthorizationSignature', message: expect.any(String) } })
    await new Promise((r) => setTimeout(r, 20))
    expect(mock.runs).toHaveLength(0)
  })

  it('404 WorkflowNotFound for an unknown or removed workflow', async () => {
    mock.removeWorkflow(flow.id)
    const { res, json } = await post(flow.url, card())
    expect(res.status).toBe(404)
    expect(json.error.code).toBe('WorkflowNotFound')
  })

  it('400 WorkflowTriggerIsNotEnabled while the flow is off', async () => {
    mock.setEnabled(flow.id, false)
    const off = await post(flow.url, card())
    expect(off.res.status).toBe(400)
    expect(off.json.error.code).toBe('WorkflowTriggerIsNotEnabled')
    mock.setEnabled(flow.id, true)
    expect((await post(flow.url, card())).res.status).toBe(202)
  })

  it('400 MissingApiVersionParameter without api-version', async () => {
    const u = new URL(flow.url)
    u.searchParams.delete('api-version')
    const { res, json } = await post(u.toString(), card())
    expect(res.status).toBe(400)
    expect(json.error.code).toBe('MissingApiVersionParameter')
  })
})

describe('teamsMock: run history (validation after the 202)', () => {
  it.each([
    ['a newer card version', card('1.5'), 'AdaptiveCard version 1.5 is not supported (at most 1.4)'],
    ['a MessageCard', { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.teams.card.o365connector', content: {} }] }, 'contentType must be'],
    ['no type message', { ...card(), type: 'event' }, 'type must be "message"'],
    ['no attachments', { type: 'message', attachments: [] }, 'attachments is missing or empty'],
    ['a fact without value', card('1.4', [{ type: 'FactSet', facts: [{ title: 'Location' }] }]), 'a fact needs "title" and "value" strings'],
    ['an empty body', card('1.4', []), 'content.body is empty'],
  ])('fails the run for %s, though the trigger said 202', async (_name, body, reason) => {
    expect((await post(flow.url, body)).res.status).toBe(202)
    const [run] = await mock.waitForRuns(1)
    expect(run!.status).toBe('failed')
    expect(run!.reason).toContain(reason)
  })

  it('fails a non-JSON body', async () => {
    expect((await post(flow.url, null, 'not json')).res.status).toBe(202)
    expect((await mock.waitForRuns(1))[0]!.reason).toBe('the request body is not JSON')
  })

  it('passes a message of exactly 28 KiB and fails one byte more', async () => {
    const base = JSON.stringify(card('1.4', [{ type: 'TextBlock', text: '' }])).length
    const fitting = card('1.4', [{ type: 'TextBlock', text: 'x'.repeat(28 * 1024 - base) }])
    const over = card('1.4', [{ type: 'TextBlock', text: 'x'.repeat(28 * 1024 - base + 1) }])
    expect(Buffer.byteLength(JSON.stringify(fitting))).toBe(28 * 1024)
    await post(flow.url, fitting)
    await post(flow.url, over)
    const runs = await mock.waitForRuns(2)
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'failed'])
    expect(runs[1]!.reason).toBe('the message is 28673 bytes; Teams accepts at most 28672')
  })
})

describe('teamsMock: scripts', () => {
  it('429 with Retry-After and a Workflows error body, then normal again', async () => {
    mock.script(flow.id, { status: 429, retryAfter: 7 })
    const limited = await post(flow.url, card())
    expect(limited.res.status).toBe(429)
    expect(limited.res.headers.get('retry-after')).toBe('7')
    expect(limited.json.error.code).toBe('WorkflowRequestsThrottled')
    expect((await post(flow.url, card())).res.status).toBe(202)
  })

  it('scripted 5xx and scripted error codes', async () => {
    mock.script(flow.id, { status: 502 }, { status: 400, code: 'TriggerInputSchemaMismatch' })
    const bad = await post(flow.url, card())
    expect([bad.res.status, bad.json.error.code]).toEqual([502, 'BadGateway'])
    const schema = await post(flow.url, card())
    expect([schema.res.status, schema.json.error.code]).toEqual([400, 'TriggerInputSchemaMismatch'])
    expect(mock.runs).toHaveLength(0)
  })

  it('a delayed success runs the flow at once; only the answer is late', async () => {
    mock.script(flow.id, { delayMs: 150 })
    const started = Date.now()
    const answer = post(flow.url, card())
    await mock.waitForRuns(1)
    expect(Date.now() - started).toBeLessThan(150)
    expect(mock.requests[0]!.status).toBe(0)
    const { res } = await answer
    expect(res.status).toBe(202)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    expect(mock.requests[0]!.status).toBe(202)
  })

  it('a dropped connection answers nothing and runs nothing', async () => {
    mock.script(flow.id, { dropConnection: true })
    await expect(post(flow.url, card())).rejects.toThrow()
    await new Promise((r) => setTimeout(r, 20))
    expect(mock.requests).toHaveLength(1)
    expect(mock.requests[0]!.status).toBe(0)
    expect(mock.runs).toHaveLength(0)
  })

  it('waitForRuns times out with a clear message', async () => {
    await expect(mock.waitForRuns(1, 50)).rejects.toThrow('teamsMock.waitForRuns: wanted 1, got 0 after 50 ms')
  })
})
