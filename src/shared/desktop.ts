// Settings that exist only in the desktop app (the headless service has no login item or
// tray), kept by the Electron shell and shown by the renderer's Settings page through
// `window.knocker.desktop`. Same shape as the admin contracts: name → zod input and output.
import { z } from 'zod'
import { CHANGE_TOPICS } from './changes'
import type { DESKTOP_CALL_NAMES } from './desktopCallNames'

/**
 * How the key that encrypts endpoint secrets is protected:
 * - `os`: sealed by the OS keychain (Keychain, DPAPI, libsecret/kwallet);
 * - `basic_text`: Linux without a keyring: secrets are only obfuscated (warn the user);
 * - `unavailable`: no OS encryption at all; the key is a file readable by this user only.
 */
export const SECRET_STORAGE_KINDS = ['os', 'basic_text', 'unavailable'] as const
export const SecretStorageKindSchema = z.enum(SECRET_STORAGE_KINDS)
export type SecretStorageKind = z.infer<typeof SecretStorageKindSchema>

/** What the user chooses. */
export const DesktopPreferencesSchema = z.object({
  /** Start Knocker hidden in the tray when the user logs in. */
  openAtLogin: z.boolean(),
  /** Closing the window hides it to the tray (deliveries go on); off: closing quits. */
  closeToTray: z.boolean(),
})
export type DesktopPreferences = z.infer<typeof DesktopPreferencesSchema>

/** The preferences plus what the Settings page needs to show about them. */
export const DesktopPreferencesViewSchema = DesktopPreferencesSchema.extend({
  /** False where a login item can't be registered (a development run of Electron). */
  openAtLoginAvailable: z.boolean(),
  /** False where no tray icon can be shown (Linux without a StatusNotifier host): closing quits. */
  trayAvailable: z.boolean(),
  secretStorage: SecretStorageKindSchema,
  /** The folder of Knocker's log files. */
  logFolder: z.string(),
})
export type DesktopPreferencesView = z.infer<typeof DesktopPreferencesViewSchema>

export const desktopContracts = {
  getPreferences: { input: z.object({}), output: DesktopPreferencesViewSchema },
  setPreferences: { input: DesktopPreferencesSchema.partial().strict(), output: DesktopPreferencesViewSchema },
  /** Opens the log folder in the system's file manager. */
  openLogFolder: { input: z.object({}).strict(), output: z.object({ ok: z.literal(true) }) },
} as const

export type DesktopContracts = typeof desktopContracts
export type DesktopCallName = keyof DesktopContracts
export type DesktopApi = {
  [N in DesktopCallName]: (input?: z.input<DesktopContracts[N]['input']>) => Promise<z.infer<DesktopContracts[N]['output']>>
}

/** The payload of a change push (checked in main before it is sent). */
export const ChangeNoticeSchema = z.object({ topic: z.enum(CHANGE_TOPICS) }).strict()

// The preload's name list must be exactly the contract table's keys.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const namesMatch: Same<(typeof DESKTOP_CALL_NAMES)[number], DesktopCallName> = true
void namesMatch
