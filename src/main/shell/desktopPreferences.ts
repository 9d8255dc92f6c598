// The desktop-only preferences behind `window.knocker.desktop`: "open at login" lives where the
// OS keeps it (login item / autostart entry); "close to tray" in a small JSON file in userData.
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import {
  desktopContracts,
  type DesktopApi,
  type DesktopPreferencesView,
  type SecretStorageKind,
} from '../../shared/desktop'
import type { LoginItem } from './loginItem'

const DESKTOP_PREFERENCES_FILE = 'desktop-preferences.json'

const StoredPreferencesSchema = z.object({ closeToTray: z.boolean().default(true) })
type StoredPreferences = z.infer<typeof StoredPreferencesSchema>
type LoggerLike = { warn(obj: object, msg?: string): void }

export interface DesktopPreferences extends DesktopApi {
  /** Read on every window close, so kept in memory. Never true without a tray to hide in. */
  closeToTray(): boolean
}

export function createDesktopPreferences(opts: {
  dataDir: string
  loginItem: LoginItem
  secretStorage: SecretStorageKind
  /** Whether a tray icon can be shown: without one, a hidden window would leave an invisible app. */
  trayAvailable: boolean
  logFolder: string
  /** Opens a folder in the file manager (Electron's shell.openPath: '' or an error text). */
  openFolder(path: string): Promise<string>
  logger: LoggerLike
}): DesktopPreferences {
  const file = join(opts.dataDir, DESKTOP_PREFERENCES_FILE)
  let stored = readStored(file, opts.logger)

  // The OS may refuse to say (a broken login-items database): show "off", don't fail the page.
  const openAtLogin = () => {
    if (!opts.loginItem.available) return false
    try {
      return opts.loginItem.get()
    } catch (err) {
      opts.logger.warn({ err }, 'could not read the login item')
      return false
    }
  }
  const view = (): DesktopPreferencesView => ({
    openAtLogin: openAtLogin(),
    closeToTray: stored.closeToTray,
    openAtLoginAvailable: opts.loginItem.available,
    trayAvailable: opts.trayAvailable,
    secretStorage: opts.secretStorage,
    logFolder: opts.logFolder,
  })

  return {
    closeToTray: () => opts.trayAvailable && stored.closeToTray,
    getPreferences: async () => view(),
    async openLogFolder() {
      const failure = await opts.openFolder(opts.logFolder)
      if (failure) throw new DesktopCallError(`Could not open ${opts.logFolder}: ${failure}`)
      return { ok: true as const }
    },
    async setPreferences(input) {
      const patch = desktopContracts.setPreferences.input.parse(input ?? {})
      if (patch.openAtLogin !== undefined) opts.loginItem.set(patch.openAtLogin)
      if (patch.closeToTray !== undefined && patch.closeToTray !== stored.closeToTray) {
        const next = { ...stored, closeToTray: patch.closeToTray }
        writeStored(file, next)
        stored = next
      }
      return view()
    },
  }
}

/** A failure the person should read (the IPC adapter passes its message on, like an admin API error). */
export class DesktopCallError extends Error {
  readonly status = 500
  readonly code = 'desktop_failed'
}

/**
 * At the first start Knocker registers itself to start at login. The OS may refuse (a
 * locked-down Windows, a read-only autostart folder): that must not stop Knocker from starting.
 */
export function enableOpenAtLoginOnFirstStart(loginItem: LoginItem, logger: LoggerLike): boolean {
  if (!loginItem.available) return false
  try {
    loginItem.set(true)
    return true
  } catch (err) {
    logger.warn({ err }, 'could not register Knocker to start at login; it can be turned on in Settings')
    return false
  }
}

function readStored(file: string, logger: LoggerLike): StoredPreferences {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return StoredPreferencesSchema.parse({}) // first start
  }
  try {
    return StoredPreferencesSchema.parse(JSON.parse(text))
  } catch {
    // A hand-edited or half-written file must not keep the app from starting.
    logger.warn({ file }, 'desktop preferences unreadable; using the defaults')
    return StoredPreferencesSchema.parse({})
  }
}

// Written to a temporary file and renamed, so a crash never leaves half a file.
function writeStored(file: string, prefs: StoredPreferences): void {
  const temporary = `${file}.tmp`
  writeFileSync(temporary, JSON.stringify(prefs, null, 2) + '\n')
  renameSync(temporary, file)
}
