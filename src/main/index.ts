// Electron composition root: wires the core to the desktop (window, tray, keychain, login
// item, IPC). Everything with logic lives in ./shell or ./core so it can be tested without Electron.
import { existsSync } from 'node:fs'
import type { Server } from 'node:http'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, dialog, ipcMain, net, Notification, powerMonitor, safeStorage, session, shell, type BrowserWindow } from 'electron'
import type { KnockerCore } from './core/knocker'
import { watchNetworkSignals } from './shell/networkSignal'
import { launchKnocker, portFrom } from './core/launch'
import { seeTheLog } from './core/log/logLocation'
import { setAppIdentity } from './shell/appIdentity'
import { createAttentionNotifier } from './shell/attentionNotifier'
import { createChangePush } from './shell/changePush'
import type { SecretStorageKind } from '../shared/desktop'
import { createDesktopLog } from './shell/desktopLog'
import { createDesktopPreferences, enableOpenAtLoginOnFirstStart } from './shell/desktopPreferences'
import { registerAdminIpc, registerDesktopIpc, type SenderFrame } from './shell/ipcAdapter'
import { createLoginItem, launchedHidden } from './shell/loginItem'
import { explainNativeModuleError, missingBindingMessage, sqliteBindingFor } from './shell/nativeSqlite'
import { closeServer, createQuitSequence } from './shell/quitSequence'
import { createSafeStorageKey } from './shell/safeStorageSecretBox'
import { createTray } from './shell/tray'
import { canShowTrayIcon } from './shell/trayHost'
import { createMainWindow, installSessionPolicy, isTrustedFrame, showWindow } from './shell/window'

/** How long intake requests already being read may take to finish when quitting. */
const INTAKE_CLOSE_GRACE_MS = 2_000

// One data folder whatever package.json's name says; a development run keeps apart from an
// installed app. Set before the log folder (inside it on Windows and Linux) and before the
// single-instance lock, which is kept per data folder.
app.setPath('userData', join(app.getPath('appData'), app.isPackaged ? 'Knocker' : 'Knocker-dev'))
app.setAppLogsPath() // <userData>/logs on Windows and Linux, ~/Library/Logs/<name> on macOS
// Before any window or notification: Windows groups both by this id.
setAppIdentity(app)

// A file in the log folder; the terminal too when there is one (a packaged Windows app has none).
const log = createDesktopLog({ folder: app.getPath('logs'), stdout: process.stdout })
const logger = log.logger
const logLocation = log.file ?? log.folder
let win: BrowserWindow | null = null
let core: KnockerCore | null = null
let server: Server | null = null
let unlockDataDir: (() => void) | null = null
const shellDisposers: Array<() => void> = []

const quit = createQuitSequence(
  {
    stopIntake: async () => {
      if (server) await closeServer(server, INTAKE_CLOSE_GRACE_MS)
    },
    stopCore: async () => {
      await core?.stop()
      unlockDataDir?.()
    },
    disposeShell: () => shellDisposers.splice(0).reverse().forEach((dispose) => dispose()),
  },
  {
    logger,
    quit: () => {
      logger.flush()
      app.quit()
    },
  },
)

// Two instances would fight over the SQLite outbox and the intake port.
if (!app.requestSingleInstanceLock()) {
  quit.skip()
  app.quit()
} else {
  app.on('second-instance', () => win && showWindow(win))
  app.on('activate', () => win && showWindow(win)) // macOS dock click
  app.on('window-all-closed', () => {}) // stay alive in the tray
  app.on('before-quit', (event) => quit.onBeforeQuit(event))
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit())
  app.whenReady().then(main).catch(fail)
}

async function main(): Promise<void> {
  const dataDir = app.getPath('userData')
  const resources = join(app.getAppPath(), 'resources') // inside the asar when packaged
  const dev = !app.isPackaged && Boolean(process.env.ELECTRON_RENDERER_URL)
  const appUrl = dev ? process.env.ELECTRON_RENDERER_URL! : new URL('../renderer/index.html', import.meta.url).href

  // A destination broke (deleted webhook, wrong password …): tell the person at the PC.
  const notifyAttention = createAttentionNotifier({
    show: ({ title, body }) => {
      if (!Notification.isSupported()) return
      const notification = new Notification({ title, body })
      notification.on('click', () => win && showWindow(win))
      notification.show()
    },
  })
  let secretStorage: SecretStorageKind = 'os'
  const port = portFrom(process.env.KNOCKER_PORT)
  const launched = await launchKnocker({
    dataDir,
    env: process.env,
    logger,
    // The key is sealed by the OS keychain (safeStorage works only after "ready").
    openSecretBox: (dir) => {
      const opened = createSafeStorageKey(dir, safeStorage, logger)
      secretStorage = opened.storage
      return opened.secretBox
    },
    core: {
      migrationsFolder: join(resources, 'migrations'),
      sqliteNativeBinding: sqliteBinding(),
      logLocation,
      version: app.getVersion(),
    },
    beforeStart: (created) => void shellDisposers.push(created.onAttention(notifyAttention)),
    host: '127.0.0.1',
    port,
    // Deliveries and the window still work without intake; only pushes from the museum app stop.
    tolerateListenFailure: true,
  })
  const { core: knocker, credentials } = launched
  core = knocker
  server = launched.server
  unlockDataDir = launched.unlock
  if (launched.listenError) {
    dialog.showErrorBox(
      'Knocker',
      `Could not listen on 127.0.0.1:${port}: ${launched.listenError.message}\n\nDetails: ${seeTheLog(logLocation)}`,
    )
  }

  shellDisposers.push(watchNetworkSignals({ isOnline: () => net.isOnline(), powerMonitor }, () => knocker.networkMayBeBack()))
  installSessionPolicy(session.defaultSession, { appUrl, dev })
  const loginItem = createLoginItem(app)
  // A relay must run without anyone opening it: on by default from the first start.
  if (credentials.created) enableOpenAtLoginOnFirstStart(loginItem, logger)
  const trayAvailable = await canShowTrayIcon()
  if (!trayAvailable) logger.warn('no tray on this desktop (no StatusNotifier host): closing the window quits Knocker')
  const preferences = createDesktopPreferences({
    dataDir,
    loginItem,
    secretStorage,
    trayAvailable,
    logFolder: log.folder,
    openFolder: (folder) => shell.openPath(folder),
    logger,
  })
  if (secretStorage !== 'os') logger.warn({ secretStorage }, 'endpoint secrets are not protected by an OS keychain')

  const trusted = { isTrustedSender: (frame: SenderFrame | null) => isTrustedFrame(frame, appUrl), logger, logLocation }
  shellDisposers.push(registerAdminIpc(ipcMain, knocker.admin, trusted))
  shellDisposers.push(registerDesktopIpc(ipcMain, preferences, trusted))

  const window = createMainWindow({
    appUrl,
    preloadPath: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
    iconPath: join(resources, 'icon-512.png'),
    isQuitting: quit.quitting,
    closeToTray: preferences.closeToTray,
    onQuitRequested: () => app.quit(),
    // Started at login, it stays in the tray; with no tray it shows, so it is never invisible.
    show: !launchedHidden(app) || !trayAvailable,
  })
  win = window
  const push = createChangePush(() => win)
  window.on('show', () => push.flush())
  shellDisposers.push(() => push.dispose())

  const tray = trayAvailable
    ? createTray({
        iconDir: join(resources, 'tray'),
        readStatus: () => knocker.admin.getStats({}),
        setPaused: (paused) => knocker.admin.updateSettings({ delivery_enabled: !paused }),
        onOpen: () => showWindow(window),
        onQuit: () => app.quit(),
        logger,
      })
    : null
  if (tray) shellDisposers.push(() => tray.destroy())

  shellDisposers.push(
    knocker.onChange((topic) => {
      push.notify(topic)
      // The tray shows paused / needs attention / offline: only these topics move it.
      if (topic === 'state' || topic === 'settings') tray?.refreshSoon()
    }),
  )
  logger.info({ port, dataDir, secretStorage, trayAvailable, log: logLocation }, 'Knocker started')
}

/**
 * better-sqlite3's module for this Electron: in a development run the build that
 * `npm run electron:native` made beside Node's; in a package, its own (rebuilt by `npm run dist`).
 */
function sqliteBinding(): string | undefined {
  const binding = sqliteBindingFor({
    versions: process.versions,
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    platform: process.platform,
    arch: process.arch,
    sqliteVersion: () => (createRequire(import.meta.url)('better-sqlite3/package.json') as { version: string }).version,
  })
  if (binding && !existsSync(binding)) {
    throw new Error(missingBindingMessage({ electronVersion: process.versions.electron ?? '?', file: binding }))
  }
  return binding
}

function fail(err: unknown): void {
  logger.error({ err }, 'Knocker failed to start')
  const message = explainNativeModuleError(err, { isPackaged: app.isPackaged }) ?? (err instanceof Error ? err.message : String(err))
  dialog.showErrorBox('Knocker could not start', `${message}\n\nDetails: ${seeTheLog(logLocation)}`)
  // Whatever did start is stopped in order; with no core there is nothing to stop.
  if (!core) {
    unlockDataDir?.()
    quit.skip()
  }
  app.quit()
}
