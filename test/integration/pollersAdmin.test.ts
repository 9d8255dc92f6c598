// The pollers' admin API (getPollers, updatePoller, pollNow) over HTTP: defaults, validation
// with clear issues, the write-only API key (never returned, logged or stored in clear), the
// private-host rule, and a new address starting over.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { PollerViewSchema } from '../../src/shared/pollers'
import { startFlipfixMock, type FlipfixMock } from '../mocks/flipfixMock'
import { startHarness, type Harness } from './harness'

let h: Harness | undefined
const mocks: FlipfixMock[] = []
afterEach(async () => {
  await h?.close()
  h = undefined
  await Promise.all(mocks.splice(0).map((m) => m.close()))
})

const poller = async (id: string) => (await h!.admin('GET', '/api/pollers')).json.pollers.find((p: any) => p.id === id)

describe('pollers admin API', () => {
  it('lists both pollers, off, with their defaults', async () => {
    h = await startHarness()
    const res = await h.admin('GET', '/api/pollers')
    expect(res.status).toBe(200)
    expect(res.json.pollers.map((p: any) => p.id)).toEqual(['machines', 'event_feed'])
    for (const p of res.json.pollers) {
      expect(PollerViewSchema.parse(p)).toEqual(p)
      expect(p).toMatchObject({ enabled: false, base_url: null, api_key: null })
      expect(p.status).toMatchObject({ state: 'off', last_poll_at: null, next_poll_at: null, events_emitted: 0, machines_known: null, has_cursor: false })
    }
    expect(res.json.pollers.map((p: any) => p.interval_seconds)).toEqual([300, 60])
  })

  it('refuses bad settings with a clear issue per field and changes nothing', async () => {
    h = await startHarness()
    const bad = async (body: Record<string, unknown>, path: string, message: RegExp, id = 'machines') => {
      const res = await h!.admin('PATCH', `/api/pollers/${id}`, body)
      expect(res.status, JSON.stringify(res.json)).toBe(400)
      expect(res.json.error.code).toBe('invalid_request')
      expect(res.json.error.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(message) })]))
    }
    await bad({ base_url: 'ftp://flipfix.example' }, 'base_url', /host app's address/)
    await bad({ base_url: 'not an address' }, 'base_url', /host app's address/)
    await bad({ base_url: 'https://user:pw@flipfix.example' }, 'base_url', /no user:password@/)
    await bad({ api_key: 'short' }, 'api_key', /at least 16 characters/)
    await bad({ api_key: 'has spaces in the middle of it' }, 'api_key', /no spaces/)
    await bad({ interval_seconds: 5 }, 'interval_seconds', /at least 15 seconds/)
    await bad({ interval_seconds: 1.5 }, 'interval_seconds', /integer|int/i)
    await bad({ enabled: true }, 'base_url', /address is needed/)
    await bad({ enabled: true, base_url: 'https://flipfix.example' }, 'api_key', /API key is needed/)
    await bad({}, 'id', /.+/, 'tickets')
    expect(await poller('machines')).toMatchObject({ enabled: false, base_url: null, api_key: null, interval_seconds: 300 })

    // Private hosts need the "allow private targets" setting.
    await h.admin('PATCH', '/api/settings', { allow_private_targets: false })
    await bad({ base_url: 'http://127.0.0.1:8000' }, 'base_url', /allow private targets/)
    await bad({ base_url: 'https://flipfix.local' }, 'base_url', /allow private targets/)
    await bad({ base_url: 'http://flipfix.example' }, 'base_url', /must be https/)
  })

  it('keeps the API key write-only: shown as its last 4 characters, never in clear in the API, the log or the database', async () => {
    const flipfix = await startFlipfixMock()
    mocks.push(flipfix)
    h = await startHarness()
    const res = await h.admin('PATCH', '/api/pollers/machines', { base_url: `${flipfix.url}/`, api_key: flipfix.apiKey, enabled: true })
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ base_url: flipfix.url, api_key: `…${flipfix.apiKey.slice(-4)}`, enabled: true })
    expect((await h.admin('POST', '/api/pollers/machines/poll')).json.status.state).toBe('ok')

    // A wrong key, refused by the host, is reported without being repeated.
    const wrong = 'wrong-key-' + 'x'.repeat(30) + 'WXYZ'
    await h.admin('PATCH', '/api/pollers/machines', { api_key: wrong })
    const refused = await h.admin('POST', '/api/pollers/machines/poll')
    expect(refused.json.status.last_error).toMatch(/refused the API key \(HTTP 403/)
    expect(refused.json.api_key).toBe('…WXYZ')

    const everything = JSON.stringify([(await h.admin('GET', '/api/pollers')).json, refused.json, h.logs])
    for (const key of [flipfix.apiKey, wrong]) expect(everything).not.toContain(key)
    h.core.db.$client.pragma('wal_checkpoint(TRUNCATE)')
    const dbBytes = readFileSync(join(h.core.options.dataDir, 'knocker.db')).toString('latin1')
    for (const key of [flipfix.apiKey, wrong]) expect(dbBytes).not.toContain(key)
    expect(dbBytes).toContain('poll') // (the file is the database: it does hold the poller rows)
    expect(h.logs.join('')).toMatch(/poller machines: .*refused the API key/)

    // Removing the key needs the poller off.
    expect((await h.admin('PATCH', '/api/pollers/machines', { api_key: null })).status).toBe(400)
    expect((await h.admin('PATCH', '/api/pollers/machines', { api_key: null, enabled: false })).json).toMatchObject({ api_key: null, enabled: false })
  })

  it('polls on demand only when switched on; a new address starts over with a new baseline', async () => {
    const [one, two] = await Promise.all([startFlipfixMock(), startFlipfixMock()])
    mocks.push(one, two)
    two.machines.splice(3)
    h = await startHarness()
    const off = await h.admin('POST', '/api/pollers/machines/poll')
    expect(off.status).toBe(409)
    expect(off.json.error.message).toMatch(/is off: switch it on first/)

    await h.admin('PATCH', '/api/pollers/machines', { base_url: one.url, api_key: one.apiKey, enabled: true, interval_seconds: 120 })
    const polled = (await h.admin('POST', '/api/pollers/machines/poll')).json
    expect(polled.status).toMatchObject({ state: 'ok', machines_known: 11 })
    expect(polled.status.next_poll_at).toBe(polled.status.last_poll_at + 120_000)

    const moved = (await h.admin('PATCH', '/api/pollers/machines', { base_url: two.url, api_key: two.apiKey })).json
    expect(moved.status).toMatchObject({ machines_known: null })
    const rebased = (await h.admin('POST', '/api/pollers/machines/poll')).json
    expect(rebased.status).toMatchObject({ state: 'ok', machines_known: 3, events_emitted: 0 })
    expect((h.core.db.$client.prepare('select count(*) as n from events').get() as any).n).toBe(0)
  })

  it('checks the address again at every poll: switching "allow private targets" off stops a local poller with a clear reason', async () => {
    const flipfix = await startFlipfixMock()
    mocks.push(flipfix)
    h = await startHarness()
    await h.admin('PATCH', '/api/pollers/event_feed', { base_url: flipfix.url, api_key: flipfix.apiKey, enabled: true })
    await h.admin('PATCH', '/api/settings', { allow_private_targets: false })
    const before = flipfix.requests.length
    const res = (await h.admin('POST', '/api/pollers/event_feed/poll')).json
    expect(res.status).toMatchObject({ state: 'backing_off', consecutive_failures: 1 })
    expect(res.status.last_error).toMatch(/allow private targets/)
    expect(flipfix.requests.length).toBe(before)
  })
})
