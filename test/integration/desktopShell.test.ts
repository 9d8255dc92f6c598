// The desktop shell's pieces wired to a real core (real SQLite file, engine, intake and the
// Discord mock), with the fake `electron` module standing in for Electron itself.
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { adminIpcChannel } from '../../src/shared/adminCallNames'
import { adminContracts, type AdminApi, type AdminCallName } from '../../src/shared/contracts'
import type { ChangeTopic } from '../../src/shared/changes'
import { announceAdminChanges, CoreEvents } from '../../src/main/core/coreEvents'
import { createKnockerServer } from '../../src/main/core/http/server'
import { KnockerCore } from '../../src/main/core/knocker'
import { createLogger } from '../../src/main/core/log/logger'
import { AesGcmSecretBox } from '../../src/main/core/secrets/secretBox'
import { createAttentionNotifier } from '../../src/main/shell/attentionNotifier'
import { registerAdminIpc, type InvokeEventLike, type IpcMainLike } from '../../src/main/shell/ipcAdapter'
import { closeServer, createQuitSequence } from '../../src/main/shell/quitSequence'
import { createTray } from '../../src/main/shell/tray'
import { isTrustedFrame } from '../../src/main/shell/window'
import type { FakeTray } from '../unit/fakeElectron'
import { startDiscordMock } from '../mocks/discordMock'
import { INGEST_TOKEN, MIGRATIONS, sampleEvent, startHarness, waitFor, type Harness } from './harness'

const silentLogger = () => createLogger({ level: 'silent' })

vi.mock('electron', async () => (await import('../unit/fakeElectron')).electronModule)

const APP_URL = 'file:///opt/Knocker/resources/app.asar/out/renderer/index.html'
const fromApp: InvokeEventLike = { senderFrame: { url: APP_URL, parent: null } }
const fromElsewhere: InvokeEventLike = { senderFrame: { url: 'https://evil.example/', parent: null } }

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

function ipcFor(core: KnockerCore) {
  const handlers = new Map<string, (event: InvokeEventLike, input: unknown) => Promise<any>>()
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener as never),
    removeHandler: (channel) => void handlers.delete(channel),
  }
  registerAdminIpc(ipcMain, core.admin, { isTrustedSender: (frame) => isTrustedFrame(frame, APP_URL), logger: silentLogger() })
  return (name: AdminCallName, input: unknown, event = fromApp) => handlers.get(adminIpcChannel(name))!(event, input)
}

describe('IPC against the real core', () => {
  it('refuses bad input and other frames with a clear error, and changes nothing', async () => {
    h = await startHarness()
    const call = ipcFor(h.core)
    const webhook = h.discord.addWebhook()

    const bad = await call('createEndpoint', { name: '', kind: 'discord', url: webhook.url })
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.any(String) } })
    expect(bad.error.issues).toEqual([{ path: 'name', message: expect.stringMatching(/.+/) }])
    const badSettings = await call('updateSettings', { delivery_enabled: 'off' })
    expect(badSettings.error.issues.map((i: { path: string }) => i.path)).toEqual(['delivery_enabled'])
    const forbidden = await call('createEndpoint', { name: 'ok', kind: 'discord', url: webhook.url }, fromElsewhere)
    expect(forbidden.error.code).toBe('forbidden')

    expect((await call('listEndpoints', {})).value.endpoints).toEqual([])
    expect((await call('getSettings', {})).value.delivery_enabled).toBe(true)
    // The same call from the app's own page works: the refusals above were about the input.
    expect((await call('createEndpoint', { name: 'ok', kind: 'discord', url: webhook.url })).ok).toBe(true)
  })
})

describe('core change feed', () => {
  it('announces intake commits, recorded attempts and admin changes; reads and failures announce nothing', async () => {
    h = await startHarness()
    const topics: ChangeTopic[] = []
    const unsubscribe = h.core.onChange((topic) => topics.push(topic))

    await h.admin('GET', '/api/endpoints')
    await h.admin('GET', '/api/endpoints/ep_nope')
    expect(topics).toEqual([])

    const { endpoint } = await h.addDiscordEndpoint()
    expect(topics.splice(0)).toEqual(['endpoints', 'state'])

    const event = sampleEvent('problem_report.created')
    await h.post(event)
    await h.discord.waitForMessages(1)
    await waitFor(() => topics.filter((t) => t === 'state').length > 0, 2000, 'the attempt to be announced')
    expect(topics.slice(0, 2)).toEqual(['deliveries', 'endpoints']) // the commit, before its attempt
    topics.length = 0
    await h.post(event) // a duplicate changes nothing
    expect(topics).toEqual([])

    await h.admin('PATCH', '/api/settings', { delivery_enabled: false })
    expect(topics.splice(0)).toEqual(['settings', 'state'])
    await h.admin('DELETE', `/api/endpoints/${endpoint.id}`)
    expect(topics.splice(0)).toEqual(['endpoints', 'deliveries', 'state'])

    unsubscribe()
    await h.admin('PATCH', '/api/settings', { delivery_enabled: true })
    expect(topics).toEqual([])
  })

  it('classifies every admin call (a new call must say what it changes)', async () => {
    // An AdminApi whose every call succeeds, wrapped the way the core wraps its own.
    const names = Object.keys(adminContracts) as AdminCallName[]
    const admin = Object.fromEntries(names.map((name) => [name, async () => ({ called: name })])) as unknown as AdminApi
    const feed = new CoreEvents()
    const announced = announceAdminChanges(admin, feed)
    expect(Object.keys(announced).sort()).toEqual(Object.keys(adminContracts).sort())
    const readOnlyPosts = ['previewMessage', 'explainRouting'] // format a sample, ask the router; store nothing
    for (const name of names) {
      const changes: ChangeTopic[] = []
      const unsubscribe = feed.onChange((topic) => changes.push(topic))
      expect(await (announced[name] as (input: unknown) => Promise<unknown>)({})).toEqual({ called: name })
      unsubscribe()
      const reads = adminContracts[name].method === 'GET' || readOnlyPosts.includes(name)
      expect(changes.length === 0, name).toBe(reads)
    }
  })
})

describe('tray and notifications follow the engine', () => {
  it('needs attention when a destination breaks (one notification), paused from the menu or the window, ok when fixed', async () => {
    const show = vi.fn()
    const onAttention = vi.fn(createAttentionNotifier({ show }))
    h = await startHarness({ onAttention })
    const core = h.core
    const knockerTray = createTray({
      iconDir: '/app/resources/tray',
      readStatus: () => core.admin.getStats({}),
      setPaused: (paused) => core.admin.updateSettings({ delivery_enabled: !paused }),
      onOpen: () => {},
      onQuit: () => {},
      logger: silentLogger(),
    })
    // As in src/main/index.ts, without the delay.
    core.onChange((topic) => (topic === 'state' || topic === 'settings') && void knockerTray.refresh())
    const tray = knockerTray.tray as unknown as FakeTray
    const icon = () => (tray.image as { path: string }).path.replace('/app/resources/tray/', '')
    await knockerTray.refresh()
    expect(icon()).toBe('ok.png')

    const { endpoint, webhook } = await h.addDiscordEndpoint({ name: '#maintenance' })
    h.discord.removeWebhook(webhook.id) // Discord answers 404 Unknown Webhook (10015)
    await h.post(sampleEvent('problem_report.created'))
    await waitFor(() => knockerTray.state() === 'attention', 3000, 'the tray to show attention')
    expect(icon()).toBe('attention.png')
    expect(tray.tooltip).toBe('Knocker: 1 endpoint needs attention')
    expect(show).toHaveBeenCalledTimes(1)
    expect(show.mock.calls[0][0].title).toBe('Knocker: #maintenance needs attention')
    expect(JSON.stringify(show.mock.calls[0][0])).not.toContain(webhook.token)

    // A retry that fails again flags it again, but within the hour there is no second notification.
    await h.admin('POST', `/api/deliveries/retry-failed`, { endpoint_id: endpoint.id })
    await vi.waitFor(() => expect(onAttention).toHaveBeenCalledTimes(2), { timeout: 3000 })
    expect(knockerTray.state()).toBe('attention')
    expect(show).toHaveBeenCalledTimes(1)

    tray.item('Pause deliveries').click()
    await waitFor(() => knockerTray.state() === 'paused', 2000, 'paused from the menu')
    expect((await h.admin('GET', '/api/settings')).json.delivery_enabled).toBe(false)
    await h.admin('PATCH', '/api/settings', { delivery_enabled: true }) // the window's Settings page
    await waitFor(() => knockerTray.state() === 'attention', 2000, 'resumed from the window')

    const fixed = h.discord.addWebhook()
    await h.admin('PATCH', `/api/endpoints/${endpoint.id}`, { url: fixed.url })
    await waitFor(() => knockerTray.state() === 'ok', 2000, 'ok once the URL is fixed')
    knockerTray.destroy()
  })
})

describe('tray follows connectivity', () => {
  it('shows offline while no destination can be reached, and ok again when one answers', async () => {
    h = await startHarness()
    const core = h.core
    const knockerTray = createTray({
      iconDir: '/app/resources/tray',
      readStatus: () => core.admin.getStats({}),
      setPaused: async () => {},
      onOpen: () => {},
      onQuit: () => {},
      logger: silentLogger(),
    })
    core.onChange((topic) => (topic === 'state' || topic === 'settings') && void knockerTray.refresh())
    const { webhook } = await h.addDiscordEndpoint()
    h.discord.script(webhook.id, { dropConnection: true }) // the connection dies: our network, not Discord
    await h.post(sampleEvent('problem_report.created'))
    await waitFor(() => knockerTray.state() === 'offline', 3000, 'the tray to show offline')
    expect((knockerTray.tray as unknown as FakeTray).tooltip).toBe('Knocker: Offline: deliveries wait for the connection')

    h.advance(60_000) // the next probe is due; this time Discord answers
    await waitFor(() => knockerTray.state() === 'ok', 3000, 'the tray to show ok again')
    await h.discord.waitForMessages(1)
    knockerTray.destroy()
  })
})

describe('quit order against the real core', () => {
  it('stops intake first, lets the in-flight send finish and be recorded, then closes the database', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'knocker-quit-'))
    const discord = await startDiscordMock()
    try {
      const core = new KnockerCore({
        dataDir,
        migrationsFolder: MIGRATIONS,
        secretBox: new AesGcmSecretBox(Buffer.alloc(32, 7)),
        logger: silentLogger(),
        ingestToken: INGEST_TOKEN,
        adminToken: 'test-admin-token-0123456789',
        allowPrivateTargets: true,
        stopGraceMs: 3000,
      })
      await core.start()
      const server: Server = createKnockerServer(core, { logger: silentLogger() })
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/events`
      const post = (body: unknown) =>
        fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/json', connection: 'close' },
          body: JSON.stringify(body),
        })

      const webhook = discord.addWebhook()
      await core.admin.createEndpoint({ name: 'slow', kind: 'discord', url: webhook.url })
      discord.script(webhook.id, { delayMs: 400 }) // Discord takes its time to answer
      expect((await post(sampleEvent('problem_report.created'))).status).toBe(202)
      await waitFor(() => discord.requests.length === 1, 2000, 'the send to start')

      const order: string[] = []
      const quit = createQuitSequence(
        {
          stopIntake: async () => {
            await closeServer(server, 500)
            order.push('intake closed')
          },
          stopCore: async () => {
            await core.stop()
            order.push(`core stopped (database open: ${core.db.$client.open})`)
          },
          disposeShell: () => void order.push('shell disposed'),
        },
        { quit: () => order.push('quit'), logger: silentLogger() },
      )
      quit.onBeforeQuit({ preventDefault: () => {} })
      await waitFor(() => order.includes('intake closed'), 2000, 'intake to close')
      await expect(post(sampleEvent('problem_report.closed'))).rejects.toThrow() // nobody listens any more
      await waitFor(() => order.includes('quit'), 5000, 'the quit to finish')
      expect(order).toEqual(['intake closed', 'core stopped (database open: false)', 'shell disposed', 'quit'])

      // The send that was out when Quit came was answered and recorded before the database closed.
      expect(discord.messages).toHaveLength(1)
      const db = new Database(join(dataDir, 'knocker.db'), { readonly: true })
      try {
        expect(db.prepare('select status, attempt_count as attempts from deliveries').all()).toEqual([
          { status: 'delivered', attempts: 1 },
        ])
        expect(db.prepare('select count(*) as n from events').get()).toEqual({ n: 1 })
      } finally {
        db.close()
      }
    } finally {
      await discord.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
