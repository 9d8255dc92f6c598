// Start Knocker with the session, hidden in the tray: events must be relayed even when nobody
// opened the window.
import type { App } from 'electron'

type LoginItemApp = Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings'>

/** Passed to the login-launched instance (Windows/Linux) so it starts without a window. */
export const HIDDEN_ARG = '--hidden'

export function isOpenAtLogin(app: LoginItemApp): boolean {
  return app.getLoginItemSettings({ args: [HIDDEN_ARG] }).openAtLogin
}

export function setOpenAtLogin(app: LoginItemApp, enabled: boolean): void {
  app.setLoginItemSettings({ openAtLogin: enabled, openAsHidden: true, args: [HIDDEN_ARG] })
}

/** Whether this instance was started at login and should stay in the tray. */
export function launchedHidden(app: LoginItemApp, argv: readonly string[] = process.argv): boolean {
  if (argv.includes(HIDDEN_ARG)) return true
  const settings = app.getLoginItemSettings()
  return Boolean(settings.wasOpenedAsHidden || settings.wasOpenedAtLogin)
}
