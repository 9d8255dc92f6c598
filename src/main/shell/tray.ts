// The tray: the app's home while the window is hidden. "Pause deliveries" flips the core's
// master switch (events are then recorded as suppressed, not queued).
import { existsSync } from 'node:fs'
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron'
import type { AdminApi } from '../../shared/contracts'

type LoggerLike = { error(obj: object, msg?: string): void }

export interface TrayOptions {
  iconPath: string
  admin: Pick<AdminApi, 'getSettings' | 'updateSettings'>
  onOpen(): void
  onQuit(): void
  /** The "Open at login" checkbox; omitted where login items make no sense (dev runs). */
  openAtLogin?: { get(): boolean; set(enabled: boolean): void }
  logger: LoggerLike
}

export interface KnockerTray {
  tray: Tray
  /** Re-reads the settings (they may have changed in the window) and rebuilds the menu. */
  refresh(): Promise<void>
}

export function createTray(opts: TrayOptions): KnockerTray {
  const icon = existsSync(opts.iconPath) ? nativeImage.createFromPath(opts.iconPath) : nativeImage.createEmpty()
  const tray = new Tray(icon)
  tray.setToolTip('Knocker')
  let paused = false

  const render = () => tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(opts, paused, refresh)))
  async function refresh() {
    try {
      paused = !(await opts.admin.getSettings({})).delivery_enabled
    } catch (err) {
      opts.logger.error({ err }, 'tray: reading settings failed')
    }
    render()
  }

  render()
  tray.on('click', () => opts.onOpen())
  void refresh()
  return { tray, refresh }
}

export function trayMenuTemplate(
  opts: TrayOptions,
  paused: boolean,
  refresh: () => Promise<void>,
): MenuItemConstructorOptions[] {
  const items: MenuItemConstructorOptions[] = [
    { label: 'Open Knocker', click: () => opts.onOpen() },
    {
      label: 'Pause deliveries',
      type: 'checkbox',
      checked: paused,
      click: (item) => {
        // item.checked is already the new state when click fires.
        opts.admin
          .updateSettings({ delivery_enabled: !item.checked })
          .catch((err: unknown) => opts.logger.error({ err }, 'tray: updating settings failed'))
          .finally(() => void refresh())
      },
    },
  ]
  if (opts.openAtLogin) {
    const login = opts.openAtLogin
    items.push({ label: 'Open at login', type: 'checkbox', checked: login.get(), click: (item) => login.set(item.checked) })
  }
  items.push({ type: 'separator' }, { label: 'Quit Knocker', click: () => opts.onQuit() })
  return items
}
