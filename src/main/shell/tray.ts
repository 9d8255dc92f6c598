// The tray: the app's home while the window is hidden. Its icon shows the state (ok, needs
// attention, offline, paused); its menu opens the window, pauses or resumes deliveries (the
// core's master switch: events are then recorded as suppressed, not queued) and quits.
import { join } from 'node:path'
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions, type NativeImage } from 'electron'
import { trayIconFile, trayStateOf, trayStatusText, type TrayState, type TrayStatus } from './trayState'

type LoggerLike = { error(obj: object, msg?: string): void }

export interface TrayOptions {
  /** Folder with one icon per state (resources/tray). */
  iconDir: string
  readStatus(): Promise<TrayStatus>
  setPaused(paused: boolean): Promise<unknown>
  onOpen(): void
  onQuit(): void
  logger: LoggerLike
  platform?: NodeJS.Platform
}

export interface KnockerTray {
  tray: Tray
  state(): TrayState
  /** Re-reads the status and redraws icon, tooltip and menu (overlapping calls coalesce). */
  refresh(): Promise<void>
  /** refresh() a little later, once for a burst of changes (attempts may come by the dozen). */
  refreshSoon(): void
  destroy(): void
}

const TRAY_REFRESH_DELAY_MS = 500

export function createTray(opts: TrayOptions): KnockerTray {
  const icons = new Map<TrayState, NativeImage>()
  const icon = (state: TrayState) => {
    let image = icons.get(state)
    if (!image) icons.set(state, (image = nativeImage.createFromPath(join(opts.iconDir, trayIconFile(state, opts.platform)))))
    return image
  }
  // Until the first read: running, nothing known to be wrong.
  let status: TrayStatus = { state: 'running', delivery_enabled: true, endpoints: { total: 0, enabled: 0, needs_attention: 0 } }
  let state: TrayState = 'ok'
  const tray = new Tray(icon(state))

  let destroyed = false
  const render = () => {
    if (destroyed) return // a read that finished after Quit
    state = trayStateOf(status)
    const text = trayStatusText(status)
    tray.setImage(icon(state))
    tray.setToolTip(`Knocker: ${text.replace(/\n/g, '; ')}`)
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(opts, status, text, refresh)))
  }

  let running: Promise<void> | null = null
  let again = false
  function refresh(): Promise<void> {
    if (running) {
      again = true // a change arrived while reading: read once more afterwards
      return running
    }
    running = (async () => {
      do {
        again = false
        try {
          status = await opts.readStatus()
        } catch (err) {
          opts.logger.error({ err }, 'tray: reading the status failed')
        }
        render()
      } while (again)
    })().finally(() => (running = null))
    return running
  }

  let soon: NodeJS.Timeout | null = null
  function refreshSoon() {
    if (soon) return
    soon = setTimeout(() => {
      soon = null
      void refresh()
    }, TRAY_REFRESH_DELAY_MS)
    soon.unref?.()
  }

  render()
  tray.on('click', () => opts.onOpen()) // Windows and macOS; Linux trays only have the menu
  void refresh()
  return {
    tray,
    state: () => state,
    refresh,
    refreshSoon,
    destroy() {
      destroyed = true
      if (soon) clearTimeout(soon)
      tray.destroy()
    },
  }
}

function trayMenuTemplate(
  opts: Pick<TrayOptions, 'onOpen' | 'onQuit' | 'setPaused' | 'logger'>,
  status: TrayStatus,
  statusText: string,
  refresh: () => Promise<void>,
): MenuItemConstructorOptions[] {
  const paused = !status.delivery_enabled
  return [
    // Linux tray icons have no tooltip: the menu says what is wrong.
    ...statusText.split('\n').map((line): MenuItemConstructorOptions => ({ label: line, enabled: false })),
    { type: 'separator' },
    { label: 'Open Knocker', click: () => opts.onOpen() },
    {
      label: paused ? 'Resume deliveries' : 'Pause deliveries',
      click: () => {
        opts
          .setPaused(!paused)
          .catch((err: unknown) => opts.logger.error({ err }, 'tray: pausing or resuming failed'))
          .finally(() => void refresh())
      },
    },
    { type: 'separator' },
    { label: 'Quit Knocker', click: () => opts.onQuit() },
  ]
}
