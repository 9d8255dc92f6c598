// The one app window, locked down: isolated sandboxed renderer, no popups, no navigation away
// from the app, a strict CSP. Closing it hides it (the app lives on in the tray) unless the
// user turned "close to tray" off.
import { win32 } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BrowserWindow, shell, type Session } from 'electron'
import type { SenderFrame } from './ipcAdapter'

function contentSecurityPolicy(opts: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    // The Vite dev server injects an inline React-refresh preamble; production has none.
    opts.dev ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** Same page as the app: same origin for http(s) (the dev server), same file for file://. */
function isAppUrl(candidate: string, appUrl: string, platform: NodeJS.Platform = process.platform): boolean {
  let url: URL
  let app: URL
  try {
    url = new URL(candidate)
    app = new URL(appUrl)
  } catch {
    return false
  }
  if (url.protocol !== app.protocol) return false
  if (app.protocol === 'file:') return sameFile(url, app, platform) // file:// origins are all "null"
  return url.origin === app.origin
}

// Compared as paths, not URL text: Chromium and Node may spell the same Windows file with a
// different drive-letter case or escaping (file:///c:/Program%20Files vs file:///C:/Program Files),
// and Windows file names are case-insensitive.
function sameFile(a: URL, b: URL, platform: NodeJS.Platform): boolean {
  const windows = platform === 'win32'
  const pathOf = (url: URL) => {
    const path = fileURLToPath(url, { windows })
    return windows ? win32.normalize(path).toLowerCase() : path
  }
  try {
    return pathOf(a) === pathOf(b)
  } catch {
    return false // not a local file path (an encoded slash, a host on POSIX …)
  }
}

/** Only the app's own top-level page may call the admin API. */
export function isTrustedFrame(frame: SenderFrame | null, appUrl: string): boolean {
  return frame != null && frame.parent == null && isAppUrl(frame.url, appUrl)
}

/** The one permission the app's page gets: writing to the clipboard (its Copy buttons). */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write'])

/** Whether `permission` may be used by the page at `requestingUrl` (a top-level app page only). */
export function isPermissionGranted(
  permission: string,
  requestingUrl: string | undefined,
  appUrl: string,
  isMainFrame = true,
): boolean {
  return GRANTED_PERMISSIONS.has(permission) && isMainFrame && requestingUrl != null && isAppUrl(requestingUrl, appUrl)
}

/**
 * Adds the CSP to every HTTP response of the session (the dev server; the packaged app's
 * file:// page has no headers and carries the same policy in a meta tag), and refuses every
 * permission except the clipboard for the app's own page. Chromium asks twice: a check
 * (navigator.permissions, and before a write) and a request; both are answered the same way.
 */
export function installSessionPolicy(session: Session, opts: { appUrl: string; dev?: boolean }): void {
  const policy = contentSecurityPolicy(opts)
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] },
    })
  })
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(isPermissionGranted(permission, details?.requestingUrl ?? contents?.getURL(), opts.appUrl, details?.isMainFrame))
  })
  session.setPermissionCheckHandler((contents, permission, _origin, details) =>
    isPermissionGranted(permission, details?.requestingUrl ?? contents?.getURL(), opts.appUrl, details?.isMainFrame),
  )
}

export interface MainWindowOptions {
  appUrl: string
  preloadPath: string
  /** The window's icon (taskbar and title bar on Windows and Linux; macOS uses the app bundle's). */
  iconPath: string
  /** True once the user chose Quit: then close really closes. */
  isQuitting(): boolean
  /** Whether closing the window hides it (read at each close: the user may change it). */
  closeToTray(): boolean
  /** Closing with "close to tray" off quits the app (through the normal quit order). */
  onQuitRequested(): void
  show: boolean
}

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'Knocker',
    icon: opts.iconPath,
    autoHideMenuBar: true,
    webPreferences: {
      preload: opts.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  })

  win.webContents.setWindowOpenHandler(({ url }) => {
    openExternalIfSafe(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (event, url) => {
    if (isAppUrl(url, opts.appUrl)) return
    event.preventDefault()
    openExternalIfSafe(url)
  })
  win.webContents.on('will-attach-webview', (event) => event.preventDefault())

  win.on('close', (event) => {
    if (opts.isQuitting()) return
    event.preventDefault()
    if (opts.closeToTray()) win.hide()
    else opts.onQuitRequested()
  })
  if (opts.show) win.once('ready-to-show', () => win.show())

  void win.loadURL(opts.appUrl)
  return win
}

export function showWindow(win: BrowserWindow): void {
  if (win.isMinimized()) win.restore()
  win.show()
  win.focus()
}

// Links in event payloads (problem reports) open in the real browser, but only https.
export function openExternalIfSafe(url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.protocol !== 'https:') return false
  void shell.openExternal(parsed.toString())
  return true
}
