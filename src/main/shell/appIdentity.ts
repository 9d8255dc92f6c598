// Who the app is to the OS. On Windows, notifications and the taskbar group windows by the
// AppUserModelID: it must be set before the first window or notification, and must equal the
// installer's (electron-builder's appId), or toasts show "electron.app.Knocker" or not at all.
import type { App } from 'electron'

export const APP_ID = 'museum.theflip.knocker'

export function setAppIdentity(app: Pick<App, 'setAppUserModelId'>, platform: NodeJS.Platform = process.platform): void {
  if (platform === 'win32') app.setAppUserModelId(APP_ID)
}
