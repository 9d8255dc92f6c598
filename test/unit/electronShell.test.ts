// The Electron shell's logic, run under plain Node with a fake `electron` module (the real
// binary is not installed). src/main/index.ts is not imported: it starts the app.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest'
import { adminContracts, type AdminApi, type AdminCallName } from '../../src/shared/contracts'
import { ADMIN_CALL_NAMES, adminIpcChannel } from '../../src/shared/adminCallNames'
import { CHANGE_CHANNEL, CHANGE_TOPICS } from '../../src/shared/changes'
import { ChangeNoticeSchema, desktopContracts, DesktopPreferencesViewSchema, type DesktopApi } from '../../src/shared/desktop'
import { DESKTOP_CALL_NAMES, desktopIpcChannel } from '../../src/shared/desktopCallNames'
import { ApiError } from '../../src/main/core/admin/apiError'
import {
  registerAdminIpc,
  registerDesktopIpc,
  type IpcMainLike,
  type InvokeEventLike,
} from '../../src/main/shell/ipcAdapter'
import {
  createMainWindow,
  installSessionPolicy,
  isTrustedFrame,
} from '../../src/main/shell/window'
import { createSafeStorageKey, type SafeStorageLike } from '../../src/main/shell/safeStorageSecretBox'
import { createTray } from '../../src/main/shell/tray'
import { trayIconFile, trayStateOf, trayStatusText, type TrayStatus } from '../../src/main/shell/trayState'
import { canShowTrayIcon, type RunCommand } from '../../src/main/shell/trayHost'
import { APP_ID, setAppIdentity } from '../../src/main/shell/appIdentity'
import { createLoginItem, launchedHidden, type LoginItem } from '../../src/main/shell/loginItem'
import { createDesktopPreferences, enableOpenAtLoginOnFirstStart } from '../../src/main/shell/desktopPreferences'
import { createAttentionNotifier } from '../../src/main/shell/attentionNotifier'
import { createChangePush, type PushWindow } from '../../src/main/shell/changePush'
import { createQuitSequence } from '../../src/main/shell/quitSequence'
import * as fake from './fakeElectron'

vi.mock('electron', async () => (await import('./fakeElectron')).electronModule)

const APP_URL = 'file:///opt/Knocker/resources/app.asar/out/renderer/index.html'
/** Where the desktop preferences live in the data dir. */
const PREFERENCES_FILE = 'desktop-preferences.json'
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
  const invokeChannel = (channel: string, input: unknown, event: InvokeEventLike = trustedEvent) =>
    handlers.get(channel)!(event, input) as Promise<any>
  const invoke = (name: string, input: unknown, event?: InvokeEventLike) => invokeChannel(adminIpcChannel(name), input, event)
  return { ipcMain, handlers, invoke, invokeChannel }
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

  it('refuses to start when a contract has no implementation', () => {
    const { ipcMain } = fakeIpcMain()
    const admin = fakeAdmin() as Partial<ReturnType<typeof fakeAdmin>>
    delete admin.retryFailed
    expect(() =>
      registerAdminIpc(ipcMain, admin as unknown as AdminApi, { isTrustedSender: () => true, logger: fakeLogger() }),
    ).toThrow(/no implementation of retryFailed/)
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

describe('registerDesktopIpc', () => {
  function desktopSetup() {
    const ipc = fakeIpcMain()
    const desktop = {
      getPreferences: vi.fn(async () => ({ called: 'getPreferences' })),
      setPreferences: vi.fn(async () => ({ called: 'setPreferences' })),
      openLogFolder: vi.fn(async (): Promise<unknown> => {
        throw new Error('EACCES /home/museum/.config/Knocker/logs')
      }),
    }
    const dispose = registerDesktopIpc(ipc.ipcMain, desktop as unknown as DesktopApi, {
      isTrustedSender: (frame) => isTrustedFrame(frame, APP_URL),
      logger: fakeLogger(),
      logLocation: '/home/museum/.config/Knocker/logs/knocker.log',
    })
    return { ...ipc, desktop, dispose }
  }

  it('goes through the same checks: trusted frame, contract input, sanitized errors', async () => {
    const { invokeChannel, desktop, handlers } = desktopSetup()
    expect([...handlers.keys()].sort()).toEqual(Object.keys(desktopContracts).map(desktopIpcChannel).sort())
    const channel = desktopIpcChannel('setPreferences')

    const evil = await invokeChannel(channel, { closeToTray: false }, { senderFrame: { url: 'https://evil.example/', parent: null } })
    expect(evil.error.code).toBe('forbidden')
    const bad = await invokeChannel(channel, { closeToTray: 'yes', launchMissiles: true })
    expect(bad.error.code).toBe('invalid_request')
    expect(bad.error.issues.map((i: { path: string }) => i.path)).toContain('closeToTray')
    expect(JSON.stringify(bad.error.issues)).toContain('launchMissiles') // unknown keys are named
    expect(desktop.setPreferences).not.toHaveBeenCalled()

    expect(await invokeChannel(channel, { closeToTray: false })).toEqual({ ok: true, value: { called: 'setPreferences' } })
    expect(desktop.setPreferences).toHaveBeenCalledWith({ closeToTray: false })
  })

  it('an internal error says where the log is, and nothing of the error itself', async () => {
    const { invokeChannel } = desktopSetup()
    const answer = await invokeChannel(desktopIpcChannel('openLogFolder'), {})
    expect(answer.error).toEqual({
      code: 'internal',
      message: 'Internal error; see the Knocker log (/home/museum/.config/Knocker/logs/knocker.log)',
    })
  })
})

describe('every contract has an IPC handler and a preload function', () => {
  it('admin and desktop tables alike (a missing one fails here)', async () => {
    await import('../../src/preload/index')
    const bridge = fake.exposed.knocker
    const { ipcMain, handlers } = fakeIpcMain()
    const opts = { isTrustedSender: () => true, logger: fakeLogger() }
    registerAdminIpc(ipcMain, fakeAdmin() as unknown as AdminApi, opts)
    const desktopImpl = { getPreferences: vi.fn(), setPreferences: vi.fn(), openLogFolder: vi.fn() }
    registerDesktopIpc(ipcMain, desktopImpl as unknown as DesktopApi, opts)

    for (const name of Object.keys(adminContracts)) {
      expect(handlers.has(adminIpcChannel(name)), `IPC handler for ${name}`).toBe(true)
      expect(typeof bridge[name], `preload function for ${name}`).toBe('function')
    }
    for (const name of Object.keys(desktopContracts)) {
      expect(handlers.has(desktopIpcChannel(name)), `IPC handler for desktop.${name}`).toBe(true)
      expect(typeof bridge.desktop[name], `preload function for desktop.${name}`).toBe('function')
    }
    // The preload's zod-free name lists are the tables' keys (a runtime check of what the types promise).
    expect([...ADMIN_CALL_NAMES].sort()).toEqual(Object.keys(adminContracts).sort())
    expect([...DESKTOP_CALL_NAMES].sort()).toEqual(Object.keys(desktopContracts).sort())
  })

  it('the generic registrar notices an implementation that lacks a contract call', () => {
    const { ipcMain } = fakeIpcMain()
    expect(() =>
      registerDesktopIpc(ipcMain, { getPreferences: vi.fn() } as never, {
        isTrustedSender: () => true,
        logger: fakeLogger(),
      }),
    ).toThrow(/setPreferences/)
  })
})

// ---- trust checks -----------------------------------------------------------------------------
describe('isTrustedFrame', () => {
  /** Whether a top-level frame at `url` is the app's page, as the shell decides it on `platform`. */
  const isAppUrl = (url: string, appUrl: string, platform: NodeJS.Platform = process.platform) => {
    const actual = Object.getOwnPropertyDescriptor(process, 'platform')!
    Object.defineProperty(process, 'platform', { ...actual, value: platform })
    try {
      return isTrustedFrame({ url, parent: null }, appUrl)
    } finally {
      Object.defineProperty(process, 'platform', actual)
    }
  }

  it('accepts the app file with any hash or query, and nothing else on file://', () => {
    expect(isAppUrl(`${APP_URL}#/settings`, APP_URL)).toBe(true)
    expect(isAppUrl(`${APP_URL}?x=1`, APP_URL)).toBe(true)
    expect(isAppUrl('file:///opt/Knocker/other.html', APP_URL)).toBe(false)
    expect(isAppUrl('not a url', APP_URL)).toBe(false)
  })

  it('Windows: the same file whatever the drive-letter case, escaping, query or hash; nothing else', () => {
    const app = 'file:///C:/Program%20Files/Knocker/resources/app.asar/out/renderer/index.html'
    const same = [
      app,
      'file:///c:/Program%20Files/Knocker/resources/app.asar/out/renderer/index.html',
      'file:///C:/Program Files/Knocker/resources/app.asar/out/renderer/index.html#/endpoints',
      'file:///C:/PROGRAM%20FILES/knocker/resources/app.asar/out/renderer/index.html?x=1',
      'file:///C:/Program%20Files/Knocker/resources/app.asar/out/renderer/./index.html',
      'file:///C:/Program%20Files/Knocker/resources/app.asar/out/renderer/%69ndex.html',
    ]
    for (const url of same) expect(isAppUrl(url, app, 'win32'), url).toBe(true)
    const other = [
      'file:///C:/Program%20Files/Knocker/resources/app.asar/out/renderer/other.html',
      'file:///D:/Program%20Files/Knocker/resources/app.asar/out/renderer/index.html',
      'file://evil-server/share/Knocker/resources/app.asar/out/renderer/index.html',
      'file:///C:/Program%20Files/Knocker/resources/app.asar/out/renderer%2Findex.html',
      'http://127.0.0.1/out/renderer/index.html',
    ]
    for (const url of other) expect(isAppUrl(url, app, 'win32'), url).toBe(false)
    // A user folder with non-ASCII letters, spelled raw by one side and escaped by the other.
    const user = 'file:///C:/Users/J%C3%B6rg/AppData/Local/Programs/Knocker/resources/app.asar/out/renderer/index.html'
    expect(isAppUrl('file:///c:/Users/Jörg/AppData/Local/Programs/Knocker/resources/app.asar/out/renderer/index.html', user, 'win32')).toBe(true)
    // On POSIX, file names are case-sensitive: another case is another file.
    expect(isAppUrl(APP_URL.replace('Knocker', 'knocker'), APP_URL, 'linux')).toBe(false)
    expect(isAppUrl(APP_URL.replace('index.html', '%69ndex.html'), APP_URL, 'linux')).toBe(true)
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

  it('exposes one function per admin call, desktop, onChange and platform, and nothing else', () => {
    expect(fake.electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1)
    const bridge = fake.exposed.knocker
    expect(Object.keys(bridge).sort()).toEqual([...ADMIN_CALL_NAMES, 'desktop', 'onChange', 'platform'].sort())
    expect(bridge.platform).toBe('electron')
    for (const name of ADMIN_CALL_NAMES) expect(typeof bridge[name]).toBe('function')
    expect(Object.keys(bridge.desktop).sort()).toEqual([...DESKTOP_CALL_NAMES].sort())
    expect(bridge.invoke).toBeUndefined()
    expect(bridge.ipcRenderer).toBeUndefined()
  })

  it('invokes the contract channel and unwraps the value', async () => {
    fake.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { retried: 3 } })
    await expect(fake.exposed.knocker.retryFailed({ endpoint_id: 'ep1' })).resolves.toEqual({ retried: 3 })
    expect(fake.ipcRenderer.invoke).toHaveBeenLastCalledWith('knocker:admin:retryFailed', { endpoint_id: 'ep1' })
    fake.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { closeToTray: true } })
    await expect(fake.exposed.knocker.desktop.getPreferences()).resolves.toEqual({ closeToTray: true })
    expect(fake.ipcRenderer.invoke).toHaveBeenLastCalledWith('knocker:desktop:getPreferences', {})
  })

  it('turns an {ok:false} answer into a rejection carrying code and issues', async () => {
    const error = { code: 'invalid_request', message: 'The request is invalid', issues: [{ path: 'url', message: 'bad' }] }
    fake.ipcRenderer.invoke.mockResolvedValueOnce({ ok: false, error })
    const rejection = await fake.exposed.knocker.createEndpoint({}).catch((e: unknown) => e)
    expect(rejection).toEqual({ name: 'KnockerBridgeError', ...error })
    // Plain data on purpose: an Error would lose code and issues crossing contextBridge.
    expect(structuredClone(rejection)).toEqual(rejection)
  })

  it('reports a failed invoke (no handler) as internal', async () => {
    fake.ipcRenderer.invoke.mockRejectedValueOnce(new Error("No handler registered for 'x'"))
    await expect(fake.exposed.knocker.getStats({})).rejects.toMatchObject({ code: 'internal' })
  })

  it('onChange forwards known topics as fresh plain objects (never the IPC event) until unsubscribed', () => {
    const seen: unknown[] = []
    const unsubscribe = fake.exposed.knocker.onChange((notice: unknown, ...rest: unknown[]) => seen.push([notice, ...rest]))
    const event = { sender: fake.ipcRenderer }
    fake.ipcRenderer.emit(CHANGE_CHANNEL, event, { topic: 'deliveries' })
    fake.ipcRenderer.emit(CHANGE_CHANNEL, event, { topic: 'nonsense' })
    fake.ipcRenderer.emit(CHANGE_CHANNEL, event, undefined)
    expect(seen).toEqual([[{ topic: 'deliveries' }]])
    unsubscribe()
    expect(fake.ipcRenderer.listenerCount(CHANGE_CHANNEL)).toBe(0)
    fake.ipcRenderer.emit(CHANGE_CHANNEL, event, { topic: 'state' })
    expect(seen).toHaveLength(1)
    expect(() => fake.exposed.knocker.onChange('not a function')).toThrow(TypeError)
  })

  it('imports nothing but electron and zod-free shared files (sandboxed preload)', () => {
    const source = readFileSync(new URL('../../src/preload/index.ts', import.meta.url), 'utf8')
    const runtimeImports = [...source.matchAll(/^import (?!type )[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1])
    expect(runtimeImports.sort()).toEqual([
      '../shared/adminCallNames',
      '../shared/changes',
      '../shared/desktopCallNames',
      'electron',
    ])
    // …and those files import nothing at run time either.
    for (const file of ['adminCallNames', 'changes', 'desktopCallNames']) {
      const shared = readFileSync(new URL(`../../src/shared/${file}.ts`, import.meta.url), 'utf8')
      expect(shared, file).not.toMatch(/^import (?!type )/m)
    }
  })
})

// ---- window -----------------------------------------------------------------------------------
describe('createMainWindow', () => {
  let quitting = false
  let closeToTray = true
  const onQuitRequested = vi.fn()
  const open = () =>
    createMainWindow({
      appUrl: APP_URL,
      preloadPath: '/app/out/preload/index.cjs',
      iconPath: '/app/resources/icon-512.png',
      isQuitting: () => quitting,
      closeToTray: () => closeToTray,
      onQuitRequested,
      show: true,
    }) as unknown as fake.FakeBrowserWindow

  beforeEach(() => {
    quitting = false
    closeToTray = true
    onQuitRequested.mockClear()
    fake.electron.shell.openExternal.mockClear()
  })

  it('locks the renderer down and loads the app', () => {
    const win = open()
    expect(win.options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    })
    expect(win.loadURL).toHaveBeenCalledWith(APP_URL)
    expect(win.options.icon).toBe('/app/resources/icon-512.png')
  })

  it('denies window.open and opens only https links in the browser', () => {
    const handler = open().webContents.windowOpenHandler!
    expect(handler({ url: 'https://discord.com/channels/1' })).toEqual({ action: 'deny' })
    expect(fake.electron.shell.openExternal).toHaveBeenCalledWith('https://discord.com/channels/1')
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)']) {
      expect(handler({ url })).toEqual({ action: 'deny' })
    }
    expect(fake.electron.shell.openExternal).toHaveBeenCalledTimes(1)
  })

  it('prevents navigation away from the app', () => {
    const win = open()
    const navigate = (url: string) => {
      const event = { preventDefault: vi.fn() }
      win.webContents.emit('will-navigate', event, url)
      return event.preventDefault.mock.calls.length > 0
    }
    expect(navigate(`${APP_URL}#/deliveries`)).toBe(false)
    expect(navigate('https://evil.example/')).toBe(true)
    expect(navigate('file:///tmp/evil.html')).toBe(true)
  })

  const close = (win: fake.FakeBrowserWindow) => {
    const event = { preventDefault: vi.fn() }
    win.emit('close', event)
    return event.preventDefault.mock.calls.length > 0
  }

  it('hides on close until the app is quitting', () => {
    const win = open()
    expect(close(win)).toBe(true)
    expect(win.hide).toHaveBeenCalledTimes(1)
    quitting = true
    expect(close(win)).toBe(false)
    expect(win.hide).toHaveBeenCalledTimes(1)
    expect(onQuitRequested).not.toHaveBeenCalled()
  })

  it('with "close to tray" off, closing asks to quit (in order) instead of hiding', () => {
    const win = open()
    closeToTray = false
    expect(close(win)).toBe(true) // held until the quit order ran
    expect(win.hide).not.toHaveBeenCalled()
    expect(onQuitRequested).toHaveBeenCalledTimes(1)
  })

  it('sets the CSP on every response and denies permission requests', () => {
    let onHeaders: any
    let onPermission: any
    const session = {
      webRequest: { onHeadersReceived: (fn: unknown) => (onHeaders = fn) },
      setPermissionRequestHandler: (fn: unknown) => (onPermission = fn),
      setPermissionCheckHandler: () => {},
    }
    installSessionPolicy(session as never, { appUrl: APP_URL })
    const callback = vi.fn()
    onHeaders({ responseHeaders: { 'Content-Type': ['text/html'] } }, callback)
    const headers = callback.mock.calls[0][0].responseHeaders
    expect(headers['Content-Type']).toEqual(['text/html'])
    expect(headers['Content-Security-Policy']).toEqual([expect.any(String)])
    const [policy] = headers['Content-Security-Policy']
    expect(policy).toContain("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'")
    expect(policy).toContain("connect-src 'self'")
    const allow = vi.fn()
    onPermission({ getURL: () => APP_URL }, 'notifications', allow, { requestingUrl: APP_URL, isMainFrame: true })
    expect(allow).toHaveBeenCalledWith(false)
  })

  it("grants the clipboard (Copy buttons) to the app's own page only, in the request and the check handler", () => {
    let onRequest: any
    let onCheck: any
    const session = {
      webRequest: { onHeadersReceived: () => {} },
      setPermissionRequestHandler: (fn: unknown) => (onRequest = fn),
      setPermissionCheckHandler: (fn: unknown) => (onCheck = fn),
    }
    installSessionPolicy(session as never, { appUrl: APP_URL })
    const request = (permission: string, requestingUrl: string, isMainFrame = true) => {
      const callback = vi.fn()
      onRequest({ getURL: () => requestingUrl }, permission, callback, { requestingUrl, isMainFrame })
      return callback.mock.calls[0][0] as boolean
    }
    const check = (permission: string, requestingUrl: string, isMainFrame = true) =>
      onCheck({ getURL: () => requestingUrl }, permission, 'file:///', { requestingUrl, isMainFrame }) as boolean

    for (const ask of [request, check]) {
      expect(ask('clipboard-sanitized-write', `${APP_URL}#/endpoints`)).toBe(true)
      expect(ask('clipboard-sanitized-write', 'file:///tmp/evil.html')).toBe(false)
      expect(ask('clipboard-sanitized-write', 'https://evil.example/')).toBe(false)
      expect(ask('clipboard-sanitized-write', APP_URL, false)).toBe(false) // a frame inside the page
      expect(ask('clipboard-read', APP_URL)).toBe(false)
      expect(ask('notifications', APP_URL)).toBe(false)
      expect(ask('media', APP_URL)).toBe(false)
    }
    // No details (older callers): the web contents' URL decides.
    expect(onCheck({ getURL: () => APP_URL }, 'clipboard-sanitized-write', 'file:///', {})).toBe(true)
    expect(onCheck(null, 'clipboard-sanitized-write', 'file:///', {})).toBe(false)
  })

  it('the packaged page (file://, no headers) carries a CSP as strict in a meta tag', () => {
    const html = readFileSync(new URL('../../src/renderer/index.html', import.meta.url), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    expect(meta).toBeDefined()
    const directives = new Map(meta!.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]))
    expect(directives.get('default-src')).toBe("'self'")
    expect(directives.get('script-src')).toBe("'self'") // no inline scripts, no eval
    expect(directives.get('object-src')).toBe("'none'")
    expect(directives.get('connect-src')).toBe("'self'")
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
  const reversing = (available = true, backend = 'gnome_libsecret') => ({
    isEncryptionAvailable: () => available,
    encryptString: vi.fn((text: string) => Buffer.from([...Buffer.from(text).toString('base64')].reverse().join(''))),
    decryptString: vi.fn((buf: Buffer) => Buffer.from([...buf.toString()].reverse().join(''), 'base64').toString()),
    getSelectedStorageBackend: () => backend,
  })

  it('seals a new key with safeStorage once, and opens it with safeStorage on every start', () => {
    const storage = reversing()
    const first = createSafeStorageKey(dir, storage)
    expect(first.storage).toBe('os')
    const file = join(dir, 'secret.key.enc')
    const stored = readFileSync(file)
    const sealed = first.secretBox.seal('https://discord.com/api/webhooks/1/token')

    const second = createSafeStorageKey(dir, storage)
    expect(second.secretBox.open(sealed)).toBe('https://discord.com/api/webhooks/1/token')
    expect(storage.encryptString).toHaveBeenCalledTimes(1)
    expect(storage.decryptString).toHaveBeenCalledTimes(2)
    expect(readFileSync(file)).toEqual(stored)
    expect(existsSync(join(dir, 'secret.key'))).toBe(false)
    // What is on disk is what safeStorage produced, not the key itself.
    expect(stored.toString()).toBe(storage.encryptString.mock.results[0].value.toString())
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('without safeStorage the secrets cannot be opened: the key really depends on it', () => {
    const sealed = createSafeStorageKey(dir, reversing()).secretBox.seal('secret')
    const other = { ...reversing(), decryptString: () => Buffer.alloc(32, 1).toString('base64') }
    expect(() => createSafeStorageKey(dir, other).secretBox.open(sealed)).toThrow()
  })

  it('falls back to a 0600 key file (with a warning) when encryption is unavailable', () => {
    const logger = { warn: vi.fn() }
    const storage = reversing(false)
    const { secretBox, storage: kind } = createSafeStorageKey(dir, storage, logger)
    expect(kind).toBe('unavailable')
    expect(existsSync(join(dir, 'secret.key'))).toBe(true)
    expect(existsSync(join(dir, 'secret.key.enc'))).toBe(false)
    expect(storage.encryptString).not.toHaveBeenCalled()
    expect(logger.warn).toHaveBeenCalledTimes(1)
    expect(createSafeStorageKey(dir, storage, logger).secretBox.open(secretBox.seal('x'))).toBe('x')
  })

  it("reports Linux's basic_text backend (hard-coded password) so the UI can warn", () => {
    const { storage } = createSafeStorageKey(dir, reversing(true, 'basic_text'), { warn: vi.fn() })
    expect(storage).toBe('basic_text')
    expect(existsSync(join(dir, 'secret.key'))).toBe(true)
    expect(existsSync(join(dir, 'secret.key.enc'))).toBe(false)
  })

  it('secret storage kind: os, basic_text, unavailable; a platform without the Linux API is os', () => {
    // What the key reports it is protected by, each time in a data dir of its own.
    const storageOf = (safeStorage: SafeStorageLike) => {
      const own = mkdtempSync(join(tmpdir(), 'knocker-key-kind-'))
      try {
        return createSafeStorageKey(own, safeStorage, { warn: vi.fn() }).storage
      } finally {
        rmSync(own, { recursive: true, force: true })
      }
    }
    expect(storageOf(reversing())).toBe('os')
    expect(storageOf(reversing(true, 'basic_text'))).toBe('basic_text')
    expect(storageOf(reversing(false))).toBe('unavailable')
    const mac: SafeStorageLike = { ...reversing(), getSelectedStorageBackend: () => { throw new Error('Linux only') } }
    expect(storageOf(mac)).toBe('os')
  })

  it('refuses to replace a keychain-protected key while the keychain is unavailable', () => {
    createSafeStorageKey(dir, reversing())
    expect(() => createSafeStorageKey(dir, reversing(false), { warn: vi.fn() })).toThrow(/keychain/)
    expect(existsSync(join(dir, 'secret.key'))).toBe(false)
  })

  it('seals a key file from an earlier run without keychain (same key) and removes the plain copy', () => {
    const sealed = createSafeStorageKey(dir, reversing(false), { warn: vi.fn() }).secretBox.seal('secret')
    const storage = reversing()
    const upgraded = createSafeStorageKey(dir, storage)
    expect(upgraded.storage).toBe('os')
    expect(upgraded.secretBox.open(sealed)).toBe('secret')
    expect(existsSync(join(dir, 'secret.key'))).toBe(false)
    expect(existsSync(join(dir, 'secret.key.enc'))).toBe(true)
    expect(createSafeStorageKey(dir, storage).secretBox.open(sealed)).toBe('secret')
  })

  it('fails loudly on a corrupt encrypted key', () => {
    writeFileSync(join(dir, 'secret.key.enc'), 'garbage')
    expect(() => createSafeStorageKey(dir, reversing())).toThrow(/corrupt/)
  })
})

// ---- desktop preferences and login item ---------------------------------------------------------
describe('desktop preferences', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'knocker-prefs-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  const fakeLoginItem = (available = true): LoginItem & { set: Mock } => {
    let on = false
    return { available, get: () => on, set: vi.fn((enabled: boolean) => void (on = enabled)) }
  }
  const LOG_FOLDER = '/home/museum/.config/Knocker/logs'
  const desktop = { trayAvailable: true, logFolder: LOG_FOLDER, openFolder: vi.fn(async (_path: string) => '') }

  it('shows the defaults, the login item and the secret storage; keeps close-to-tray in a file', async () => {
    const loginItem = fakeLoginItem()
    const prefs = createDesktopPreferences({ ...desktop, dataDir: dir, loginItem, secretStorage: 'basic_text', logger: fakeLogger() })
    const initial = await prefs.getPreferences()
    expect(DesktopPreferencesViewSchema.parse(initial)).toEqual({
      openAtLogin: false,
      closeToTray: true,
      openAtLoginAvailable: true,
      trayAvailable: true,
      secretStorage: 'basic_text',
      logFolder: LOG_FOLDER,
    })
    expect(await prefs.setPreferences({ openAtLogin: true, closeToTray: false })).toMatchObject({
      openAtLogin: true,
      closeToTray: false,
    })
    expect(loginItem.set).toHaveBeenCalledWith(true)
    expect(prefs.closeToTray()).toBe(false)
    expect(JSON.parse(readFileSync(join(dir, PREFERENCES_FILE), 'utf8'))).toEqual({ closeToTray: false })

    const again = createDesktopPreferences({ ...desktop, dataDir: dir, loginItem, secretStorage: 'os', logger: fakeLogger() })
    expect(again.closeToTray()).toBe(false)
  })

  it('refuses bad input and changes nothing', async () => {
    const loginItem = fakeLoginItem()
    const prefs = createDesktopPreferences({ ...desktop, dataDir: dir, loginItem, secretStorage: 'os', logger: fakeLogger() })
    await expect(prefs.setPreferences({ closeToTray: 'no' } as never)).rejects.toThrow()
    await expect(prefs.setPreferences({ openAtLogin: true, extra: 1 } as never)).rejects.toThrow()
    expect(loginItem.set).not.toHaveBeenCalled()
    expect(existsSync(join(dir, PREFERENCES_FILE))).toBe(false)
  })

  it('starts with the defaults from an unreadable file, and says so in the log', () => {
    writeFileSync(join(dir, PREFERENCES_FILE), '{"closeToTray": tru')
    const logger = fakeLogger()
    const prefs = createDesktopPreferences({ ...desktop, dataDir: dir, loginItem: fakeLoginItem(), secretStorage: 'os', logger })
    expect(prefs.closeToTray()).toBe(true)
    expect(logger.warn).toHaveBeenCalledTimes(1)
  })

  it('a development run shows open-at-login as unavailable', async () => {
    const prefs = createDesktopPreferences({ ...desktop, dataDir: dir, loginItem: fakeLoginItem(false), secretStorage: 'os', logger: fakeLogger() })
    expect(await prefs.getPreferences()).toMatchObject({ openAtLogin: false, openAtLoginAvailable: false })
  })

  it('without a tray, closing never hides (it would leave an invisible app), whatever was chosen', async () => {
    writeFileSync(join(dir, PREFERENCES_FILE), '{"closeToTray": true}')
    const prefs = createDesktopPreferences({ ...desktop, trayAvailable: false, dataDir: dir, loginItem: fakeLoginItem(), secretStorage: 'os', logger: fakeLogger() })
    expect(prefs.closeToTray()).toBe(false)
    expect(await prefs.getPreferences()).toMatchObject({ trayAvailable: false, closeToTray: true })
  })

  it('opens the log folder, and says why when the system could not', async () => {
    const openFolder = vi.fn(async (_path: string) => '')
    const prefs = createDesktopPreferences({ ...desktop, openFolder, dataDir: dir, loginItem: fakeLoginItem(), secretStorage: 'os', logger: fakeLogger() })
    expect(await prefs.openLogFolder({})).toEqual({ ok: true })
    expect(openFolder).toHaveBeenCalledWith(LOG_FOLDER)
    openFolder.mockResolvedValueOnce('Failed to open path')
    await expect(prefs.openLogFolder({})).rejects.toMatchObject({
      code: 'desktop_failed',
      message: `Could not open ${LOG_FOLDER}: Failed to open path`,
    })
  })

  it('the page still loads when the OS refuses to read the login item', async () => {
    const loginItem = { available: true, get: () => { throw new Error('login items database locked') }, set: vi.fn() }
    const logger = fakeLogger()
    const prefs = createDesktopPreferences({ ...desktop, dataDir: dir, loginItem, secretStorage: 'os', logger })
    expect(await prefs.getPreferences()).toMatchObject({ openAtLogin: false })
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ err: expect.any(Error) }), 'could not read the login item')
  })

  it('a login item the OS refuses at the first start is logged, and start-up goes on', () => {
    const logger = fakeLogger()
    const refusing = { available: true, get: () => false, set: vi.fn(() => { throw new Error('Access is denied.') }) }
    expect(() => enableOpenAtLoginOnFirstStart(refusing, logger)).not.toThrow()
    expect(enableOpenAtLoginOnFirstStart(refusing, logger)).toBe(false)
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.objectContaining({ message: 'Access is denied.' }) }),
      expect.stringContaining('could not register Knocker to start at login'),
    )
    const working = fakeLoginItem()
    expect(enableOpenAtLoginOnFirstStart(working, logger)).toBe(true)
    expect(working.set).toHaveBeenCalledWith(true)
    const development = fakeLoginItem(false)
    expect(enableOpenAtLoginOnFirstStart(development, logger)).toBe(false)
    expect(development.set).not.toHaveBeenCalled()
  })
})

describe('tray host', () => {
  const answers = (table: Record<string, string | Error>): RunCommand & Mock =>
    vi.fn(async (command: string) => {
      const answer = table[command] ?? Object.assign(new Error(`spawn ${command} ENOENT`), { code: 'ENOENT' })
      if (answer instanceof Error) throw answer
      return answer
    })

  it('macOS and Windows always have one; nothing is asked', async () => {
    const run = answers({})
    expect(await canShowTrayIcon('darwin', run)).toBe(true)
    expect(await canShowTrayIcon('win32', run)).toBe(true)
    expect(run).not.toHaveBeenCalled()
  })

  it('Linux: asks the session bus whether a StatusNotifier host is there (gdbus, else dbus-send)', async () => {
    expect(await canShowTrayIcon('linux', answers({ gdbus: '(true,)\n' }))).toBe(true)
    expect(await canShowTrayIcon('linux', answers({ gdbus: '(false,)\n' }))).toBe(false)
    expect(await canShowTrayIcon('linux', answers({ 'dbus-send': 'method return time=1 sender=org.freedesktop.DBus\n   boolean true\n' }))).toBe(true)
    expect(await canShowTrayIcon('linux', answers({ 'dbus-send': '   boolean false\n' }))).toBe(false)
    const run = answers({ gdbus: '(true,)\n' })
    await canShowTrayIcon('linux', run)
    expect(run.mock.calls[0][1]).toContain('org.kde.StatusNotifierWatcher')
  })

  it('Linux with no bus or no client to ask: no tray, so the window stays reachable', async () => {
    expect(await canShowTrayIcon('linux', answers({}))).toBe(false)
    expect(await canShowTrayIcon('linux', answers({ gdbus: new Error('Cannot autolaunch D-Bus without X11 $DISPLAY') }))).toBe(false)
  })
})

describe('app identity', () => {
  it("Windows gets the installer's AppUserModelID (toasts and taskbar grouping); other systems need none", () => {
    const app = { setAppUserModelId: vi.fn() }
    setAppIdentity(app, 'linux')
    setAppIdentity(app, 'darwin')
    expect(app.setAppUserModelId).not.toHaveBeenCalled()
    setAppIdentity(app, 'win32')
    expect(app.setAppUserModelId).toHaveBeenCalledWith(APP_ID)
    const builderConfig = readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8')
    expect(/^appId: (.+)$/m.exec(builderConfig)?.[1]).toBe(APP_ID)
  })
})

describe('login item', () => {
  const electronApp = (isPackaged = true) => ({
    isPackaged,
    setLoginItemSettings: vi.fn(),
    getLoginItemSettings: vi.fn(() => ({ openAtLogin: true, wasOpenedAtLogin: false, wasOpenedAsHidden: false })),
  })

  it('macOS and Windows: registers a hidden launch through Electron', () => {
    const app = electronApp()
    const item = createLoginItem(app as never, { platform: 'win32', env: {}, execPath: 'C:\\Knocker\\Knocker.exe', homeDir: 'C:\\Users\\m' })
    item.set(true)
    expect(app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true, openAsHidden: true, args: ['--hidden'] })
    expect(item.get()).toBe(true)
    expect(app.getLoginItemSettings).toHaveBeenCalledWith({ args: ['--hidden'] })
  })

  it('Linux: writes and removes an XDG autostart entry that starts the AppImage hidden', () => {
    const home = mkdtempSync(join(tmpdir(), 'knocker-home-'))
    try {
      const env = { XDG_CONFIG_HOME: join(home, 'cfg'), APPIMAGE: '/home/museum/Apps/Knocker 0.1.0.AppImage' }
      const item = createLoginItem(electronApp() as never, { platform: 'linux', env, execPath: '/tmp/.mount_Knock/knocker', homeDir: home })
      expect(item.get()).toBe(false)
      item.set(true)
      const file = join(home, 'cfg/autostart/knocker.desktop')
      const entry = readFileSync(file, 'utf8')
      expect(entry).toContain('[Desktop Entry]')
      expect(entry).toContain('Exec="/home/museum/Apps/Knocker 0.1.0.AppImage" "--hidden"\n')
      expect(item.get()).toBe(true)
      item.set(false)
      expect(existsSync(file)).toBe(false)
      expect(item.get()).toBe(false)
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })

  it('a development run registers nothing', () => {
    const app = electronApp(false)
    const home = mkdtempSync(join(tmpdir(), 'knocker-home-'))
    try {
      createLoginItem(app as never, { platform: 'darwin', env: {}, execPath: '/x', homeDir: home }).set(true)
      createLoginItem(app as never, { platform: 'linux', env: {}, execPath: '/x', homeDir: home }).set(true)
      expect(app.setLoginItemSettings).not.toHaveBeenCalled()
      expect(existsSync(join(home, '.config/autostart/knocker.desktop'))).toBe(false)
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })

  it('quotes Exec arguments as the Desktop Entry spec says', () => {
    const home = mkdtempSync(join(tmpdir(), 'knocker-home-'))
    try {
      const env = { XDG_CONFIG_HOME: join(home, 'cfg'), APPIMAGE: '/opt/a "b"/$x`y`\\z 100%' }
      createLoginItem(electronApp() as never, { platform: 'linux', env, execPath: '/x', homeDir: home }).set(true)
      const entry = readFileSync(join(home, 'cfg/autostart/knocker.desktop'), 'utf8')
      expect(entry).toContain('Exec="/opt/a \\\\"b\\\\"/\\\\$x\\\\`y\\\\`\\\\\\\\z 100%%" "--hidden"\n')
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })

  it('recognizes a hidden launch: the argument, or macOS saying it opened us at login', () => {
    const app = electronApp()
    expect(launchedHidden(app as never, ['knocker', '--hidden'], 'linux')).toBe(true)
    expect(launchedHidden(app as never, ['knocker'], 'linux')).toBe(false)
    expect(app.getLoginItemSettings).not.toHaveBeenCalled()
    app.getLoginItemSettings.mockReturnValueOnce({ openAtLogin: true, wasOpenedAtLogin: true, wasOpenedAsHidden: false })
    expect(launchedHidden(app as never, ['Knocker'], 'darwin')).toBe(true)
  })
})

// ---- tray -----------------------------------------------------------------------------------------
// As the core's stats say it: the master switch off is `paused` whatever the network does.
const status = (patch: { delivery_enabled?: boolean; offline?: boolean; needs_attention?: number } = {}): TrayStatus => {
  const deliveryEnabled = patch.delivery_enabled ?? true
  return {
    state: !deliveryEnabled ? 'paused' : patch.offline ? 'offline' : 'running',
    delivery_enabled: deliveryEnabled,
    endpoints: { total: 2, enabled: 2, needs_attention: patch.needs_attention ?? 0 },
  }
}

describe('tray state', () => {
  it('paused, then needs attention, then offline, then ok', () => {
    expect(trayStateOf(status())).toBe('ok')
    expect(trayStateOf(status({ offline: true }))).toBe('offline')
    expect(trayStateOf(status({ offline: true, needs_attention: 1 }))).toBe('attention')
    expect(trayStateOf(status({ offline: true, needs_attention: 1, delivery_enabled: false }))).toBe('paused')
    expect(trayStatusText(status({ needs_attention: 2, delivery_enabled: false }))).toBe(
      'Deliveries paused\n2 endpoints need attention',
    )
    expect(trayStatusText(status())).toBe('Delivering')
  })
})

describe('tray', () => {
  function trayWith(initial: TrayStatus) {
    let current = initial
    const readStatus = vi.fn(async () => current)
    const setPaused = vi.fn(async (paused: boolean) => {
      current = { ...current, delivery_enabled: !paused, state: paused ? 'paused' : 'running' }
    })
    const onOpen = vi.fn()
    const onQuit = vi.fn()
    const knockerTray = createTray({ iconDir: '/app/resources/tray', readStatus, setPaused, onOpen, onQuit, logger: fakeLogger() })
    const tray = knockerTray.tray as unknown as fake.FakeTray
    return { knockerTray, tray, readStatus, setPaused, onOpen, onQuit, set: (s: TrayStatus) => void (current = s) }
  }

  it('macOS uses the template images (the menu bar tints them); elsewhere the coloured 16 px icons', () => {
    expect(trayIconFile('attention', 'darwin')).toBe('attentionTemplate.png')
    expect(trayIconFile('attention', 'win32')).toBe('attention.png')
    expect(trayIconFile('paused', 'linux')).toBe('paused.png')
    const t = createTray({ iconDir: '/app/resources/tray', readStatus: async () => status(), setPaused: async () => {}, onOpen: vi.fn(), onQuit: vi.fn(), logger: fakeLogger(), platform: 'darwin' })
    expect((t.tray as unknown as fake.FakeTray).image).toEqual({ path: '/app/resources/tray/okTemplate.png' })
    t.destroy()
  })

  it('shows the state as icon, tooltip and menu, and follows it on refresh', async () => {
    const t = trayWith(status())
    await t.knockerTray.refresh()
    expect(t.tray.image).toEqual({ path: '/app/resources/tray/ok.png' })
    expect(t.tray.item('Delivering').enabled).toBe(false)

    t.set(status({ needs_attention: 1 }))
    await t.knockerTray.refresh()
    expect(t.knockerTray.state()).toBe('attention')
    expect(t.tray.image).toEqual({ path: '/app/resources/tray/attention.png' })
    expect(t.tray.tooltip).toBe('Knocker: 1 endpoint needs attention')

    t.set(status({ offline: true }))
    await t.knockerTray.refresh()
    expect(t.tray.image).toEqual({ path: '/app/resources/tray/offline.png' })
  })

  it('pauses and resumes deliveries, and the label says which', async () => {
    const t = trayWith(status())
    await t.knockerTray.refresh()
    t.tray.item('Pause deliveries').click()
    await vi.waitFor(() => expect(t.tray.item('Resume deliveries')).toBeDefined())
    expect(t.setPaused).toHaveBeenLastCalledWith(true)
    expect(t.tray.image).toEqual({ path: '/app/resources/tray/paused.png' })

    t.tray.item('Resume deliveries').click()
    await vi.waitFor(() => expect(t.tray.item('Pause deliveries')).toBeDefined())
    expect(t.setPaused).toHaveBeenLastCalledWith(false)

    t.tray.item('Open Knocker').click()
    t.tray.item('Quit Knocker').click()
    expect(t.onOpen).toHaveBeenCalledTimes(1)
    expect(t.onQuit).toHaveBeenCalledTimes(1)
  })

  it('coalesces a burst of refreshes into few reads, and reads once more after the last change', async () => {
    const t = trayWith(status())
    await t.knockerTray.refresh()
    t.readStatus.mockClear()
    const all = Promise.all(Array.from({ length: 20 }, () => t.knockerTray.refresh()))
    t.set(status({ needs_attention: 3 }))
    await all
    expect(t.readStatus.mock.calls.length).toBeLessThanOrEqual(2)
    expect(t.knockerTray.state()).toBe('attention')
  })

  it('does not draw on a destroyed tray', async () => {
    const t = trayWith(status())
    await t.knockerTray.refresh()
    t.knockerTray.destroy()
    t.set(status({ needs_attention: 1 }))
    await t.knockerTray.refresh()
    expect(t.tray.destroy).toHaveBeenCalled()
    expect(t.tray.image).toEqual({ path: '/app/resources/tray/ok.png' })
  })
})

// ---- attention notifications ----------------------------------------------------------------------
describe('attention notifier', () => {
  it('shows at most one notification per endpoint per hour', () => {
    let now = 0
    const show = vi.fn()
    const notify = createAttentionNotifier({ show, now: () => now })
    const a = { id: 'ep_a', name: '#maintenance', reason: 'Unknown Webhook (10015)' }
    expect(notify(a)).toBe(true)
    expect(show).toHaveBeenCalledWith({ title: 'Knocker: #maintenance needs attention', body: 'Unknown Webhook (10015)' })
    now += 59 * 60_000
    expect(notify(a)).toBe(false)
    expect(notify({ ...a, id: 'ep_b', name: 'Mail' })).toBe(true) // another endpoint is news
    now += 60_000
    expect(notify(a)).toBe(true)
    expect(show).toHaveBeenCalledTimes(3)
  })
})

// ---- live updates to the window ---------------------------------------------------------------------
describe('change push', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  function pushWindow(visible = true) {
    const sent: unknown[] = []
    const win: PushWindow & { visible: boolean; destroyed: boolean } = {
      visible,
      destroyed: false,
      isDestroyed: () => win.destroyed,
      isVisible: () => win.visible,
      webContents: { send: (channel, payload) => void sent.push([channel, payload]) },
    }
    return { win, sent }
  }

  it('sends one typed notice per topic for a burst of changes', () => {
    const { win, sent } = pushWindow()
    const push = createChangePush(() => win, 250)
    for (let i = 0; i < 1000; i++) push.notify('deliveries')
    push.notify('endpoints')
    expect(sent).toEqual([])
    vi.advanceTimersByTime(250)
    expect(sent).toEqual([
      [CHANGE_CHANNEL, { topic: 'deliveries' }],
      [CHANGE_CHANNEL, { topic: 'endpoints' }],
    ])
    for (const [, payload] of sent as Array<[string, unknown]>) expect(ChangeNoticeSchema.parse(payload)).toEqual(payload)
  })

  it('holds notices while the window is hidden and sends them when it shows', () => {
    const { win, sent } = pushWindow(false)
    const push = createChangePush(() => win, 250)
    push.notify('state')
    vi.advanceTimersByTime(1000)
    expect(sent).toEqual([])
    win.visible = true
    push.flush()
    expect(sent).toEqual([[CHANGE_CHANNEL, { topic: 'state' }]])
  })

  it('drops notices for a destroyed window and after dispose', () => {
    const { win, sent } = pushWindow()
    const push = createChangePush(() => win, 250)
    win.destroyed = true
    push.notify('settings')
    vi.advanceTimersByTime(250)
    win.destroyed = false
    push.flush()
    push.notify('settings')
    push.dispose()
    vi.advanceTimersByTime(250)
    expect(sent).toEqual([])
  })

  it('every topic is a valid notice', () => {
    for (const topic of CHANGE_TOPICS) expect(ChangeNoticeSchema.safeParse({ topic }).success).toBe(true)
    expect(ChangeNoticeSchema.safeParse({ topic: 'x' }).success).toBe(false)
  })
})

// ---- quit order -------------------------------------------------------------------------------------
describe('quit sequence', () => {
  function sequence(steps: Partial<Record<'stopIntake' | 'stopCore' | 'disposeShell', () => unknown>> = {}, timeoutMs = 1000) {
    const order: string[] = []
    const quit = vi.fn(() => order.push('quit'))
    const logger = fakeLogger()
    const step = (name: 'stopIntake' | 'stopCore' | 'disposeShell') => async () => {
      order.push(`${name}:start`)
      await steps[name]?.()
      order.push(`${name}:end`)
    }
    const q = createQuitSequence(
      { stopIntake: step('stopIntake'), stopCore: step('stopCore'), disposeShell: () => void step('disposeShell')() },
      { quit, logger, timeoutMs },
    )
    const beforeQuit = () => {
      const event = { preventDefault: vi.fn() }
      q.onBeforeQuit(event)
      return event.preventDefault.mock.calls.length > 0
    }
    return { q, order, quit, logger, beforeQuit }
  }

  it('stops intake, then the core (sends, database), then the shell, then quits for real', async () => {
    const s = sequence({ stopIntake: () => new Promise((r) => setTimeout(r, 20)), stopCore: () => new Promise((r) => setTimeout(r, 20)) })
    expect(s.q.quitting()).toBe(false)
    expect(s.beforeQuit()).toBe(true) // held
    expect(s.q.quitting()).toBe(true)
    expect(s.beforeQuit()).toBe(true) // a second Quit while stopping waits for the same run
    await vi.waitFor(() => expect(s.quit).toHaveBeenCalledTimes(1))
    expect(s.order).toEqual([
      'stopIntake:start',
      'stopIntake:end',
      'stopCore:start',
      'stopCore:end',
      'disposeShell:start',
      'disposeShell:end',
      'quit',
    ])
    expect(s.beforeQuit()).toBe(false) // now Electron may quit
  })

  it('a failing step does not keep the later ones from running', async () => {
    const s = sequence({ stopIntake: () => Promise.reject(new Error('EADDRINUSE')) })
    s.beforeQuit()
    await vi.waitFor(() => expect(s.quit).toHaveBeenCalled())
    expect(s.order).toContain('stopCore:end')
    expect(s.logger.error).toHaveBeenCalledTimes(1)
  })

  it('is bounded: a hung step still ends in quit', async () => {
    const s = sequence({ stopCore: () => new Promise(() => {}) }, 50)
    s.beforeQuit()
    await vi.waitFor(() => expect(s.quit).toHaveBeenCalled())
    expect(s.order).toContain('disposeShell:start')
    expect(s.logger.warn).toHaveBeenCalled()
  })

  it('skip() lets a failed start quit at once', () => {
    const s = sequence()
    s.q.skip()
    expect(s.beforeQuit()).toBe(false)
    expect(s.order).toEqual([])
  })
})
