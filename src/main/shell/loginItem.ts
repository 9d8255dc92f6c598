// Start Knocker with the session, hidden in the tray: events must be relayed even when nobody
// opened the window. macOS and Windows register through Electron; Electron has no login items
// on Linux, so there Knocker writes an XDG autostart entry (~/.config/autostart).
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import type { App } from 'electron'

type LoginItemApp = Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings' | 'isPackaged'>

/** Passed to the login-launched instance (Windows/Linux) so it starts without a window. */
const HIDDEN_ARG = '--hidden'
const AUTOSTART_FILE_NAME = 'knocker.desktop'

export interface LoginItem {
  /** False in a development run: registering the bare Electron binary would be wrong. */
  readonly available: boolean
  get(): boolean
  set(enabled: boolean): void
}

export interface LoginItemEnvironment {
  platform: NodeJS.Platform
  env: NodeJS.ProcessEnv
  /** The running executable (inside an AppImage: its temporary mount, so APPIMAGE wins). */
  execPath: string
  homeDir: string
}

const currentEnvironment = (): LoginItemEnvironment => ({
  platform: process.platform,
  env: process.env,
  execPath: process.execPath,
  homeDir: homedir(),
})

export function createLoginItem(app: LoginItemApp, environment: LoginItemEnvironment = currentEnvironment()): LoginItem {
  const available = app.isPackaged
  if (environment.platform === 'linux') {
    const file = autostartFile(environment)
    const executable = environment.env.APPIMAGE || environment.execPath
    return {
      available,
      get: () => existsSync(file),
      set(enabled) {
        if (!available) return
        if (!enabled) return rmSync(file, { force: true })
        mkdirSync(dirname(file), { recursive: true })
        writeFileSync(file, autostartEntry([executable, HIDDEN_ARG]))
      },
    }
  }
  return {
    available,
    get: () => app.getLoginItemSettings({ args: [HIDDEN_ARG] }).openAtLogin,
    set(enabled) {
      if (!available) return
      app.setLoginItemSettings({ openAtLogin: enabled, openAsHidden: true, args: [HIDDEN_ARG] })
    },
  }
}

/** Whether this instance was started at login and should stay in the tray. */
export function launchedHidden(
  app: Pick<App, 'getLoginItemSettings'>,
  argv: readonly string[] = process.argv,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (argv.includes(HIDDEN_ARG)) return true
  // macOS starts login items without our arguments; it tells us instead.
  if (platform !== 'darwin') return false
  const settings = app.getLoginItemSettings()
  return Boolean(settings.wasOpenedAsHidden || settings.wasOpenedAtLogin)
}

export function autostartFile(environment: Pick<LoginItemEnvironment, 'env' | 'homeDir'>): string {
  const configHome = environment.env.XDG_CONFIG_HOME || join(environment.homeDir, '.config')
  return join(configHome, 'autostart', AUTOSTART_FILE_NAME)
}

/** An XDG autostart desktop entry that runs `command` (each argument quoted per the spec). */
function autostartEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Knocker',
    'Comment=Relays the maintenance app’s notifications',
    `Exec=${command.map(execArgument).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n')
}

// Desktop Entry spec: quote, backslash-escape " ` $ \ inside the quotes, double %, then
// escape backslashes once more for the string value itself.
function execArgument(arg: string): string {
  const quoted = `"${arg.replace(/["`$\\]/g, (c) => `\\${c}`)}"`
  return quoted.replace(/%/g, '%%').replace(/\\/g, '\\\\')
}
