// Message customisation through the admin API: saved and used by real deliveries (a test
// send reaches the mock templated), previewed from draft options before saving, and an
// unknown placeholder or field refused with its path and the valid names, changing nothing.
import { afterEach, describe, expect, it } from 'vitest'
import { startHarness, type Harness } from './harness'

let h: Harness
afterEach(async () => h?.close())

const MESSAGES = {
  'problem_report.created': { fields: ['priority', 'location'], title: '{machine.display_name} needs help ({problem_report.priority_label})', summary: 'Report #{problem_report.id}' },
}

describe('message templates over the admin API', () => {
  it('previews draft options unsaved, saves them, and a test send carries them', async () => {
    h = await startHarness()
    const { endpoint } = await h.addDiscordEndpoint()

    const draft = await h.admin('POST', '/api/preview', { endpoint_id: endpoint.id, event: 'problem_report.created', options: { messages: MESSAGES } })
    expect(draft.status).toBe(200)
    expect(draft.json.body.embeds[0].title).toBe('Eight Ball Deluxe needs help (Untriaged)')
    expect(draft.json.summary).toBe('Report #412')
    // Nothing was saved by previewing.
    expect((await h.admin('GET', `/api/endpoints/${endpoint.id}`)).json.options.messages).toBeUndefined()
    const saved = await h.admin('POST', '/api/preview', { endpoint_id: endpoint.id, event: 'problem_report.created' })
    expect(saved.json.body.embeds[0].title).toBe('Eight Ball Deluxe — New problem report')

    const patched = await h.admin('PATCH', `/api/endpoints/${endpoint.id}`, { options: { messages: MESSAGES } })
    expect(patched.status).toBe(200)
    expect(patched.json.options.messages).toEqual(MESSAGES)

    const test = await h.admin('POST', `/api/endpoints/${endpoint.id}/test`, { event: 'problem_report.created' })
    expect(test.json).toMatchObject({ ok: true, status: 'delivered' })
    const embed = (h.discord.messages.at(-1)!.body.embeds as any[])[0]
    expect(embed.title).toBe('[TEST] Eight Ball Deluxe needs help (Untriaged)')
    expect(embed.fields.map((f: any) => f.name)).toEqual(['Priority', 'Location'])
    const detail = (await h.admin('GET', `/api/deliveries/${test.json.delivery_id}`)).json
    expect(detail.attempts[0].request_body).toContain('[TEST] Eight Ball Deluxe needs help (Untriaged)')
  })

  it('refuses an unknown placeholder or field with its path and the valid names; nothing changes', async () => {
    h = await startHarness()
    const { endpoint } = await h.addDiscordEndpoint()
    await h.admin('PATCH', `/api/endpoints/${endpoint.id}`, { options: { messages: MESSAGES } })
    const before = (await h.admin('GET', `/api/endpoints/${endpoint.id}`)).json

    const cases: Array<[unknown, string, string]> = [
      [{ 'machine.created': { title: '{problem_report.priority_label}' } }, 'options.messages.machine.created.title', 'unknown placeholder {problem_report.priority_label}'],
      [{ 'problem_report.created': { summary: '{machine.nickname}' } }, 'options.messages.problem_report.created.summary', '{machine.short_name}'],
      [{ 'problem_report.created': { fields: ['reporter', 'work_date'] } }, 'options.messages.problem_report.created.fields.1', 'unknown field "work_date"'],
      [{ 'problem_report.created': { title: '{machine.name | upper}' } }, 'options.messages.problem_report.created.title', 'no expressions'],
    ]
    for (const [messages, path, message] of cases) {
      for (const [method, url, body] of [
        ['PATCH', `/api/endpoints/${endpoint.id}`, { name: 'Renamed', options: { messages } }],
        ['POST', '/api/preview', { endpoint_id: endpoint.id, options: { messages } }],
      ] as const) {
        const res = await h.admin(method, url, body)
        expect(res.status, `${method} ${JSON.stringify(messages)}`).toBe(400)
        const issue = res.json.error.issues.find((i: any) => i.path === path)
        expect(issue?.message, JSON.stringify(res.json.error.issues)).toContain(message)
      }
    }
    const created = await h.admin('POST', '/api/endpoints', { name: 'New', kind: 'slack', url: 'https://hooks.slack.com/services/T0/B0/abc', options: { messages: cases[0][0] } })
    expect(created.status).toBe(400)
    expect((await h.admin('GET', '/api/endpoints')).json.endpoints).toHaveLength(1)
    const after = (await h.admin('GET', `/api/endpoints/${endpoint.id}`)).json
    expect({ ...after, queue: null, health: null }).toEqual({ ...before, queue: null, health: null })
  })
})
