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

export const DESKTOP_PREFERENCES_FILE = 'desktop-preferences.json'

const StoredPreferencesSchema = z.object({ closeToTray: z.boolean().default(true) })
type StoredPreferences = z.infer<typeof StoredPreferencesSchema>
type LoggerLike = { warn(obj: object, msg?: string): void }

export interface DesktopPreferences extends DesktopApi {
  /** Read on every window close, so kept in memory. */
  closeToTray(): boolean
}

export function createDesktopPreferences(opts: {
  dataDir: string
  loginItem: LoginItem
  secretStorage: SecretStorageKind
  logger: LoggerLike
}): DesktopPreferences {
  const file = join(opts.dataDir, DESKTOP_PREFERENCES_FILE)
  let stored = readStored(file, opts.logger)

  const view = (): DesktopPreferencesView => ({
    openAtLogin: opts.loginItem.available && opts.loginItem.get(),
    closeToTray: stored.closeToTray,
    openAtLoginAvailable: opts.loginItem.available,
    secretStorage: opts.secretStorage,
  })

  return {
    closeToTray: () => stored.closeToTray,
    getPreferences: async () => view(),
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
