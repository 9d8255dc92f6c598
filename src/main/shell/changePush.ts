// Pushes the core's change notices to the window as typed events on one channel. Coalesced:
// intake may commit thousands of times a second, the window needs one notice per topic now and
// then. Held while the window is hidden and sent when it shows, so a tray-only app does no work.
import { CHANGE_CHANNEL, type ChangeNotice, type ChangeTopic } from '../../shared/changes'
import { ChangeNoticeSchema } from '../../shared/desktop'

/** The parts of a BrowserWindow the push uses. */
export interface PushWindow {
  isDestroyed(): boolean
  isVisible(): boolean
  webContents: { send(channel: string, payload: ChangeNotice): void }
}

export const CHANGE_PUSH_DELAY_MS = 250

export interface ChangePush {
  notify(topic: ChangeTopic): void
  /** Sends what is pending now (the window just showed). */
  flush(): void
  dispose(): void
}

export function createChangePush(window: () => PushWindow | null, delayMs = CHANGE_PUSH_DELAY_MS): ChangePush {
  const pending = new Set<ChangeTopic>()
  let timer: NodeJS.Timeout | null = null

  function flush() {
    if (timer) clearTimeout(timer)
    timer = null
    const win = window()
    if (!win || win.isDestroyed()) return pending.clear()
    if (!win.isVisible()) return // kept for the next show
    for (const topic of pending) win.webContents.send(CHANGE_CHANNEL, ChangeNoticeSchema.parse({ topic }))
    pending.clear()
  }

  return {
    notify(topic) {
      pending.add(topic)
      if (!timer) {
        timer = setTimeout(flush, delayMs)
        timer.unref?.()
      }
    },
    flush,
    dispose() {
      if (timer) clearTimeout(timer)
      timer = null
      pending.clear()
    },
  }
}
