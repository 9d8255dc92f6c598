// Electron composition root: wires the core to the desktop (window, tray, keychain, login
// item, IPC). Everything with logic lives in ./shell or ./core so it can be tested without Electron.
import type { Server } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, dialog, ipcMain, Notification, safeStorage, session, type BrowserWindow } from 'electron'
import { loadOrCreateCredentials } from './core/credentials'
import { createKnockerServer } from './core/http/server'
import { KnockerCore } from './core/knocker'
import { createLogger } from './core/log/logger'
import { registerAdminIpc } from './shell/ipcAdapter'
import { isOpenAtLogin, launchedHidden, setOpenAtLogin } from './shell/loginItem'
import { createSafeStorageKey } from './shell/safeStorageSecretBox'
import { createTray, type KnockerTray } from './shell/tray'
import { createMainWindow, installContentSecurityPolicy, isTrustedFrame, showWindow } from './shell/window'

const DEFAULT_PORT = 8727
const STOP_TIMEOUT_MS = 10_000

const logger = createLogger()
let win: BrowserWindow | null = null
let tray: KnockerTray | null = null
let core: KnockerCore | null = null
let server: Server | null = null
let quitting = false
let stopping = false
let stopped = false

// Two instances would fight over the SQLite outbox and the intake port.
if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => win && showWindow(win))
  app.on('activate', () => win && showWindow(win)) // macOS dock click
  app.on('window-all-closed', () => {}) // stay alive in the tray
  app.on('before-quit', onBeforeQuit)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit())
  app.whenReady().then(main).catch(fail)
}

async function main(): Promise<void> {
  const dataDir = app.getPath('userData')
  const resources = join(app.getAppPath(), 'resources') // shipped inside the app (asar) by electron-builder
  const dev = !app.isPackaged && Boolean(process.env.ELECTRON_RENDERER_URL)
  const appUrl = dev ? process.env.ELECTRON_RENDERER_URL! : new URL('../renderer/index.html', import.meta.url).href

  // safeStorage only works after "ready".
  const secretBox = createSafeStorageKey(dataDir, safeStorage, logger)
  const credentials = loadOrCreateCredentials(dataDir, process.env)
  if (credentials.created) logger.info({ file: credentials.file }, 'created intake and admin tokens')

  core = new KnockerCore({
    dataDir,
    migrationsFolder: join(resources, 'migrations'),
    secretBox,
    logger,
    ingestToken: credentials.ingestToken,
    adminToken: credentials.adminToken,
    // A destination broke (deleted webhook, wrong password …): tell the person at the PC.
    onAttention: ({ name, reason }) => {
      if (Notification.isSupported()) new Notification({ title: `Knocker: ${name} needs attention`, body: reason }).show()
    },
  })
  await core.start()
  const admin = core.admin

  const intake = createKnockerServer(core, { logger })
  server = intake
  const port = Number(process.env.KNOCKER_PORT ?? DEFAULT_PORT)
  await listen(intake, port).catch((err: unknown) => {
    // Deliveries and the admin UI still work; only pushes from the museum app are affected.
    logger.error({ err, port }, 'intake server could not start')
    dialog.showErrorBox('Knocker', `Could not listen on 127.0.0.1:${port}: ${(err as Error).message}`)
  })

  installContentSecurityPolicy(session.defaultSession, { dev })
  registerAdminIpc(ipcMain, admin, { isTrustedSender: (frame) => isTrustedFrame(frame, appUrl), logger })

  // Registering the dev Electron binary as a login item would be wrong; only packaged builds.
  if (app.isPackaged && credentials.created) setOpenAtLogin(app, true)

  const window = createMainWindow({
    appUrl,
    preloadPath: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
    isQuitting: () => quitting,
    show: !launchedHidden(app),
  })
  win = window
  tray = createTray({
    iconPath: join(resources, 'icon.png'),
    admin,
    onOpen: () => showWindow(window),
    onQuit: () => app.quit(),
    openAtLogin: app.isPackaged
      ? { get: () => isOpenAtLogin(app), set: (enabled) => setOpenAtLogin(app, enabled) }
      : undefined,
    logger,
  })
  // Settings may have changed in the window: refresh the tray's "Pause" state when it hides.
  window.on('hide', () => void tray?.refresh())
  logger.info({ port, dataDir }, 'Knocker started')
}

function listen(srv: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    srv.once('error', reject)
    srv.listen(port, '127.0.0.1', () => {
      srv.off('error', reject)
      resolve()
    })
  })
}

// Quit waits once for the core to stop (in-flight deliveries recorded, database closed).
function onBeforeQuit(event: Electron.Event): void {
  quitting = true
  if (stopped) return
  event.preventDefault()
  if (stopping) return
  stopping = true
  shutdown()
    .catch((err: unknown) => logger.error({ err }, 'shutdown failed'))
    .finally(() => {
      stopped = true
      logger.flush()
      app.quit()
    })
}
async function shutdown(): Promise<void> {
  const closing = new Promise<void>((resolve) => {
    if (!server?.listening) return resolve()
    server.close(() => resolve())
    server.closeAllConnections()
  })
  const work = Promise.all([closing, core?.stop()])
  const timeout = new Promise<void>((resolve) => {
    setTimeout(() => {
      logger.warn('shutdown timed out; quitting anyway')
      resolve()
    }, STOP_TIMEOUT_MS).unref()
  })
  await Promise.race([work, timeout])
  tray?.tray.destroy()
}

function fail(err: unknown): void {
  logger.error({ err }, 'Knocker failed to start')
  dialog.showErrorBox('Knocker could not start', err instanceof Error ? err.message : String(err))
  quitting = true
  stopped = !core // nothing to stop if the core never came up
  app.quit()
}
