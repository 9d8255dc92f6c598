// The Electron shell's logic, run under plain Node with a fake `electron` module (the real
// binary is not installed). src/main/index.ts is not imported: it starts the app.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest'
import { adminContracts, type AdminApi, type AdminCallName, type Settings } from '../../src/shared/contracts'
import { ADMIN_CALL_NAMES, adminIpcChannel } from '../../src/shared/adminCallNames'
import { ApiError } from '../../src/main/core/admin/apiError'
import { registerAdminIpc, type IpcMainLike, type InvokeEventLike } from '../../src/main/shell/ipcAdapter'
import {
  contentSecurityPolicy,
  createMainWindow,
  installContentSecurityPolicy,
  isAppUrl,
  isTrustedFrame,
} from '../../src/main/shell/window'
import { createSafeStorageKey, type SafeStorageLike } from '../../src/main/shell/safeStorageSecretBox'
import { createTray } from '../../src/main/shell/tray'
import { HIDDEN_ARG, launchedHidden, setOpenAtLogin } from '../../src/main/shell/loginItem'

// ---- the fake electron module -------------------------------------------------------------
const fake = vi.hoisted(() => {
  type Listener = (...args: any[]) => unknown
  class Emitter {
    listeners = new Map<string, Listener[]>()
    on(event: string, fn: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn])
      return this
    }
    once(event: string, fn: Listener) {
      return this.on(event, fn)
    }
    emit(event: string, ...args: unknown[]) {
      for (const fn of this.listeners.get(event) ?? []) fn(...args)
    }
  }
  class WebContents extends Emitter {
    windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null
    setWindowOpenHandler(fn: (details: { url: string }) => { action: string }) {
      this.windowOpenHandler = fn
    }
  }
  const windows: BrowserWindow[] = []
  class BrowserWindow extends Emitter {
    webContents = new WebContents()
    loadURL = vi.fn(async (_url: string) => {})
    hide = vi.fn()
    show = vi.fn()
    focus = vi.fn()
    restore = vi.fn()
    isMinimized = () => false
    constructor(readonly options: any) {
      super()
      windows.push(this)
    }
  }
  const trays: Tray[] = []
  class Tray extends Emitter {
    menu: any = null
    setToolTip = vi.fn()
    destroy = vi.fn()
    constructor(readonly image: unknown) {
      super()
      trays.push(this)
    }
    setContextMenu(menu: unknown) {
      this.menu = menu
    }
  }
  const exposed: Record<string, any> = {}
  const electron = {
    BrowserWindow,
    Tray,
    Menu: { buildFromTemplate: (template: unknown[]) => ({ template }) },
    nativeImage: { createFromPath: (p: string) => ({ path: p }), createEmpty: () => ({ empty: true }) },
    shell: { openExternal: vi.fn(async (_url: string) => {}) },
    contextBridge: { exposeInMainWorld: vi.fn((key: string, api: unknown) => void (exposed[key] = api)) },
    ipcRenderer: { invoke: vi.fn(async (_channel: string, _input: unknown): Promise<unknown> => undefined) },
  }
  return { electron, windows, trays, exposed }
})
vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }))

const APP_URL = 'file:///opt/Knocker/resources/app.asar/out/renderer/index.html'
const trustedEvent: InvokeEventLike = { senderFrame: { url: `${APP_URL}#/endpoints`, parent: null } }

function fakeIpcMain() {
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>()
  const ipcMain: IpcMainLike = {
    handle: vi.fn((channel, listener) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`)
      handlers.set(channel, listener)
    }),
    removeHandler: vi.fn((channel) => void handlers.delete(channel)),
  }
  const invoke = (name: string, input: unknown, event: InvokeEventLike = trustedEvent) =>
    handlers.get(adminIpcChannel(name))!(event, input) as Promise<any>
  return { ipcMain, handlers, invoke }
}

function fakeLogger() {
  return { warn: vi.fn(), error: vi.fn(), info: vi.fn() }
}

/** An AdminApi whose every call is a spy resolving to `{ called: name }`. */
function fakeAdmin() {
  const admin = {} as Record<AdminCallName, Mock<(input: unknown) => Promise<unknown>>>
  for (const name of ADMIN_CALL_NAMES) admin[name] = vi.fn(async () => ({ called: name }))
  return admin
}

function setup() {
  const ipc = fakeIpcMain()
  const admin = fakeAdmin()
  const logger = fakeLogger()
  const dispose = registerAdminIpc(ipc.ipcMain, admin as unknown as AdminApi, {
    isTrustedSender: (frame) => isTrustedFrame(frame, APP_URL),
    logger,
  })
  return { ...ipc, admin, logger, dispose }
}

// ---- IPC adapter ----------------------------------------------------------------------------
describe('registerAdminIpc', () => {
  it('registers exactly one handler per contract, on the contract channels', () => {
    const { ipcMain, handlers, dispose } = setup()
    const expected = Object.keys(adminContracts).map(adminIpcChannel).sort()
    expect([...handlers.keys()].sort()).toEqual(expected)
    expect(ipcMain.handle).toHaveBeenCalledTimes(expected.length)
    dispose()
    expect(handlers.size).toBe(0)
  })

  it('calls the admin function with the parsed input (defaults and coercions applied)', async () => {
    const { invoke, admin } = setup()
    expect(await invoke('getDelivery', { id: '7' })).toEqual({ ok: true, value: { called: 'getDelivery' } })
    expect(admin.getDelivery).toHaveBeenCalledWith({ id: 7 })
    await invoke('listDeliveries', undefined) // no input at all is an empty object
    expect(admin.listDeliveries).toHaveBeenCalledWith({ limit: 50 })
  })

  it.each([
    ['no frame', null],
    ['another site', { url: 'https://evil.example/index.html', parent: null }],
    ['another local file', { url: 'file:///tmp/evil.html', parent: null }],
    ['an iframe inside the app', { url: APP_URL, parent: { url: APP_URL } }],
  ])('refuses calls from an untrusted sender (%s)', async (_label, frame) => {
    const { invoke, admin, logger } = setup()
    const answer = await invoke('deleteEndpoint', { id: 'ep1' }, { senderFrame: frame })
    expect(answer).toEqual({ ok: false, error: { code: 'forbidden', message: 'Untrusted sender' } })
    expect(admin.deleteEndpoint).not.toHaveBeenCalled()
    expect(logger.warn).toHaveBeenCalled()
  })

  it('rejects bad input with invalid_request and issues, without calling the admin function', async () => {
    const { invoke, admin } = setup()
    const answer = await invoke('createEndpoint', { name: '', kind: 'discord' })
    expect(answer.ok).toBe(false)
    expect(answer.error.code).toBe('invalid_request')
    const paths = answer.error.issues.map((i: { path: string }) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['name', 'url']))
    const pigeon = await invoke('createEndpoint', { name: 'x', kind: 'carrier-pigeon' })
    expect(pigeon.error.issues.map((i: { path: string }) => i.path)).toEqual(['kind'])
    for (const issue of answer.error.issues) expect(Object.keys(issue).sort()).toEqual(['message', 'path'])
    expect(admin.createEndpoint).not.toHaveBeenCalled()
  })

  it('passes an ApiError through with its code, message and issues', async () => {
    const { invoke, admin } = setup()
    admin.getEndpoint.mockRejectedValueOnce(new ApiError(404, 'not_found', 'endpoint not found'))
    expect(await invoke('getEndpoint', { id: 'nope' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'endpoint not found' },
    })
    admin.updateEndpoint.mockRejectedValueOnce(
      new ApiError(400, 'invalid_target', 'bad url', [{ path: 'url', message: 'must be https' }]),
    )
    expect(await invoke('updateEndpoint', { id: 'ep1', url: 'http://x' })).toEqual({
      ok: false,
      error: { code: 'invalid_target', message: 'bad url', issues: [{ path: 'url', message: 'must be https' }] },
    })
  })

  it('hides unknown errors behind internal (no stack, no message) and logs them', async () => {
    const { invoke, admin, logger } = setup()
    admin.getStats.mockRejectedValueOnce(new Error('SQLITE_CORRUPT at /home/museum/secret/path'))
    const answer = await invoke('getStats', {})
    expect(answer).toEqual({ ok: false, error: { code: 'internal', message: 'Internal error' } })
    expect(JSON.stringify(answer)).not.toMatch(/SQLITE|secret|at /)
    expect(logger.error).toHaveBeenCalledTimes(1)
    // A thrown non-Error (string, object with a code but no status) is unknown too.
    admin.getStats.mockRejectedValueOnce({ code: 'EACCES', message: 'permission denied' })
    expect((await invoke('getStats', {})).error.code).toBe('internal')
  })

  it('answers with plain data that survives structured clone', async () => {
    const { invoke, admin } = setup()
    admin.getEndpoint.mockRejectedValueOnce(new ApiError(409, 'conflict', 'busy', [{ path: 'id', message: 'x' }]))
    const answer = await invoke('getEndpoint', { id: 'a' })
    expect(structuredClone(answer)).toEqual(answer)
    expect(answer.error).not.toBeInstanceOf(Error)
  })
})

// ---- trust checks -----------------------------------------------------------------------------
describe('isAppUrl / isTrustedFrame', () => {
  it('accepts the app file with any hash or query, and nothing else on file://', () => {
    expect(isAppUrl(`${APP_URL}#/settings`, APP_URL)).toBe(true)
    expect(isAppUrl(`${APP_URL}?x=1`, APP_URL)).toBe(true)
    expect(isAppUrl('file:///opt/Knocker/other.html', APP_URL)).toBe(false)
    expect(isAppUrl('not a url', APP_URL)).toBe(false)
  })

  it('accepts the dev server origin only', () => {
    const dev = 'http://localhost:5173'
    expect(isTrustedFrame({ url: 'http://localhost:5173/#/deliveries', parent: null }, dev)).toBe(true)
    expect(isTrustedFrame({ url: 'http://localhost:5174/', parent: null }, dev)).toBe(false)
    expect(isTrustedFrame({ url: 'https://localhost:5173/', parent: null }, dev)).toBe(false)
  })
})

// ---- preload ----------------------------------------------------------------------------------
describe('preload', () => {
  beforeEach(async () => {
    await import('../../src/preload/index')
  })

  it('exposes exactly one function per admin call plus platform, and nothing else', () => {
    expect(fake.electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1)
    const bridge = fake.exposed.knocker
    expect(Object.keys(bridge).sort()).toEqual([...ADMIN_CALL_NAMES, 'platform'].sort())
    expect(bridge.platform).toBe('electron')
    for (const name of ADMIN_CALL_NAMES) expect(typeof bridge[name]).toBe('function')
    expect(bridge.invoke).toBeUndefined()
    expect(bridge.ipcRenderer).toBeUndefined()
  })

  it('invokes the contract channel and unwraps the value', async () => {
    fake.electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { retried: 3 } })
    await expect(fake.exposed.knocker.retryFailed({ endpoint_id: 'ep1' })).resolves.toEqual({ retried: 3 })
    expect(fake.electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('knocker:admin:retryFailed', {
      endpoint_id: 'ep1',
    })
  })

  it('turns an {ok:false} answer into a rejection carrying code and issues', async () => {
    const error = { code: 'invalid_request', message: 'The request is invalid', issues: [{ path: 'url', message: 'bad' }] }
    fake.electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: false, error })
    const rejection = await fake.exposed.knocker.createEndpoint({}).catch((e: unknown) => e)
    expect(rejection).toEqual({ name: 'KnockerBridgeError', ...error })
    // Plain data on purpose: an Error would lose code and issues crossing contextBridge.
    expect(structuredClone(rejection)).toEqual(rejection)
  })

  it('reports a failed invoke (no handler) as internal', async () => {
    fake.electron.ipcRenderer.invoke.mockRejectedValueOnce(new Error("No handler registered for 'x'"))
    await expect(fake.exposed.knocker.getStats({})).rejects.toMatchObject({ code: 'internal' })
  })

  it('imports nothing but electron and the call names (sandboxed preload)', () => {
    const source = readFileSync(new URL('../../src/preload/index.ts', import.meta.url), 'utf8')
    const runtimeImports = [...source.matchAll(/^import (?!type )[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1])
    expect(runtimeImports.sort()).toEqual(['../shared/adminCallNames', 'electron'])
  })
})

// ---- window -----------------------------------------------------------------------------------
describe('createMainWindow', () => {
  let quitting = false
  const open = () =>
    createMainWindow({ appUrl: APP_URL, preloadPath: '/app/out/preload/index.cjs', isQuitting: () => quitting, show: true })

  beforeEach(() => {
    quitting = false
    fake.electron.shell.openExternal.mockClear()
  })

  it('locks the renderer down and loads the app', () => {
    const win = open() as unknown as InstanceType<typeof fake.electron.BrowserWindow>
    expect(win.options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    })
    expect(win.loadURL).toHaveBeenCalledWith(APP_URL)
  })

  it('denies window.open and opens only https links in the browser', () => {
    const win = open() as unknown as InstanceType<typeof fake.electron.BrowserWindow>
    const handler = win.webContents.windowOpenHandler!
    expect(handler({ url: 'https://discord.com/channels/1' })).toEqual({ action: 'deny' })
    expect(fake.electron.shell.openExternal).toHaveBeenCalledWith('https://discord.com/channels/1')
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)']) {
      expect(handler({ url })).toEqual({ action: 'deny' })
    }
    expect(fake.electron.shell.openExternal).toHaveBeenCalledTimes(1)
  })

  it('prevents navigation away from the app', () => {
    const win = open() as unknown as InstanceType<typeof fake.electron.BrowserWindow>
    const navigate = (url: string) => {
      const event = { preventDefault: vi.fn() }
      win.webContents.emit('will-navigate', event, url)
      return event.preventDefault.mock.calls.length > 0
    }
    expect(navigate(`${APP_URL}#/deliveries`)).toBe(false)
    expect(navigate('https://evil.example/')).toBe(true)
    expect(navigate('file:///tmp/evil.html')).toBe(true)
  })

  it('hides on close until the app is quitting', () => {
    const win = open() as unknown as InstanceType<typeof fake.electron.BrowserWindow>
    const close = () => {
      const event = { preventDefault: vi.fn() }
      win.emit('close', event)
      return event.preventDefault.mock.calls.length > 0
    }
    expect(close()).toBe(true)
    expect(win.hide).toHaveBeenCalledTimes(1)
    quitting = true
    expect(close()).toBe(false)
    expect(win.hide).toHaveBeenCalledTimes(1)
  })

  it('sets the CSP on every response and denies permission requests', () => {
    let onHeaders: any
    let onPermission: any
    const session = {
      webRequest: { onHeadersReceived: (fn: unknown) => (onHeaders = fn) },
      setPermissionRequestHandler: (fn: unknown) => (onPermission = fn),
    }
    installContentSecurityPolicy(session as never)
    const callback = vi.fn()
    onHeaders({ responseHeaders: { 'Content-Type': ['text/html'] } }, callback)
    const headers = callback.mock.calls[0][0].responseHeaders
    expect(headers['Content-Type']).toEqual(['text/html'])
    expect(headers['Content-Security-Policy']).toEqual([contentSecurityPolicy()])
    expect(contentSecurityPolicy()).toContain("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'")
    expect(contentSecurityPolicy()).toContain("connect-src 'self'")
    const allow = vi.fn()
    onPermission({}, 'notifications', allow)
    expect(allow).toHaveBeenCalledWith(false)
  })
})

// ---- safeStorage-backed key ---------------------------------------------------------------------
describe('createSafeStorageKey', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'knocker-key-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  // "Encrypts" by reversing the base64 text: enough to tell protected from plain.
  const reversing = (available = true, backend = 'gnome_libsecret'): SafeStorageLike & { encryptString: any } => ({
    isEncryptionAvailable: () => available,
    encryptString: vi.fn((text: string) => Buffer.from([...Buffer.from(text).toString('base64')].reverse().join(''))),
    decryptString: (buf: Buffer) => Buffer.from([...buf.toString()].reverse().join(''), 'base64').toString(),
    getSelectedStorageBackend: () => backend,
  })

  it('creates the encrypted key file once and reuses it', () => {
    const storage = reversing()
    const first = createSafeStorageKey(dir, storage)
    const file = join(dir, 'secret.key.enc')
    const stored = readFileSync(file)
    const sealed = first.seal('https://discord.com/api/webhooks/1/token')

    const second = createSafeStorageKey(dir, storage)
    expect(second.open(sealed)).toBe('https://discord.com/api/webhooks/1/token')
    expect(storage.encryptString).toHaveBeenCalledTimes(1)
    expect(readFileSync(file)).toEqual(stored)
    expect(existsSync(join(dir, 'secret.key'))).toBe(false)
    // What is on disk is what safeStorage produced, not the key itself.
    expect(stored.toString()).toBe(storage.encryptString.mock.results[0].value.toString())
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('falls back to a 0600 key file (with a warning) when encryption is unavailable', () => {
    const logger = { warn: vi.fn() }
    const storage = reversing(false)
    const box = createSafeStorageKey(dir, storage, logger)
    expect(existsSync(join(dir, 'secret.key'))).toBe(true)
    expect(existsSync(join(dir, 'secret.key.enc'))).toBe(false)
    expect(storage.encryptString).not.toHaveBeenCalled()
    expect(logger.warn).toHaveBeenCalledTimes(1)
    expect(createSafeStorageKey(dir, storage, logger).open(box.seal('x'))).toBe('x')
  })

  it("treats Linux's basic_text backend (hard-coded password) as unavailable", () => {
    createSafeStorageKey(dir, reversing(true, 'basic_text'), { warn: vi.fn() })
    expect(existsSync(join(dir, 'secret.key'))).toBe(true)
    expect(existsSync(join(dir, 'secret.key.enc'))).toBe(false)
  })

  it('refuses to replace a keychain-protected key while the keychain is unavailable', () => {
    createSafeStorageKey(dir, reversing())
    expect(() => createSafeStorageKey(dir, reversing(false), { warn: vi.fn() })).toThrow(/keychain/)
    expect(existsSync(join(dir, 'secret.key'))).toBe(false)
  })

  it('keeps using a key file from an earlier run without keychain', () => {
    const sealed = createSafeStorageKey(dir, reversing(false), { warn: vi.fn() }).seal('secret')
    expect(createSafeStorageKey(dir, reversing()).open(sealed)).toBe('secret')
  })

  it('fails loudly on a corrupt encrypted key', () => {
    writeFileSync(join(dir, 'secret.key.enc'), 'garbage')
    expect(() => createSafeStorageKey(dir, reversing())).toThrow(/corrupt/)
  })
})

// ---- tray and login item ------------------------------------------------------------------------
describe('tray', () => {
  it('pauses and resumes deliveries through the admin API', async () => {
    let enabled = true
    const settings = (): Settings => ({ delivery_enabled: enabled, events: {} as Settings['events'], allow_private_targets: false, retention_days: 30, ttl_hours: {} as Settings["ttl_hours"] })
    const admin = {
      getSettings: vi.fn(async () => settings()),
      updateSettings: vi.fn(async (input: { delivery_enabled?: boolean }) => {
        enabled = input.delivery_enabled ?? enabled
        return settings()
      }),
    }
    const onOpen = vi.fn()
    const onQuit = vi.fn()
    const { tray, refresh } = createTray({ iconPath: '/nope/icon.png', admin, onOpen, onQuit, logger: fakeLogger() })
    await refresh()
    const fakeTray = tray as unknown as InstanceType<typeof fake.electron.Tray>
    const item = (label: string) => fakeTray.menu.template.find((i: { label?: string }) => i.label === label)

    expect(item('Pause deliveries').checked).toBe(false)
    // Electron flips `checked` before calling click.
    item('Pause deliveries').click({ checked: true })
    await vi.waitFor(() => expect(item('Pause deliveries').checked).toBe(true))
    expect(admin.updateSettings).toHaveBeenLastCalledWith({ delivery_enabled: false })

    item('Pause deliveries').click({ checked: false })
    await vi.waitFor(() => expect(item('Pause deliveries').checked).toBe(false))
    expect(admin.updateSettings).toHaveBeenLastCalledWith({ delivery_enabled: true })

    item('Open Knocker').click()
    item('Quit Knocker').click()
    expect(onOpen).toHaveBeenCalledTimes(1)
    expect(onQuit).toHaveBeenCalledTimes(1)
    expect(item('Open at login')).toBeUndefined()
  })
})

describe('login item', () => {
  it('registers a hidden launch and recognizes it', () => {
    const app = { setLoginItemSettings: vi.fn(), getLoginItemSettings: vi.fn(() => ({ openAtLogin: false })) }
    setOpenAtLogin(app as never, true)
    expect(app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true, openAsHidden: true, args: [HIDDEN_ARG] })
    expect(launchedHidden(app as never, ['knocker', HIDDEN_ARG])).toBe(true)
    expect(launchedHidden(app as never, ['knocker'])).toBe(false)
  })
})
