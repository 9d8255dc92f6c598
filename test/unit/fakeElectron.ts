// A fake `electron` module: just enough of BrowserWindow, Tray, Menu, nativeImage, shell,
// Notification, contextBridge and ipcRenderer for the shell's code to run under plain Node.
// Use with: vi.mock('electron', async () => (await import('./fakeElectron')).electronModule)
import { vi } from 'vitest'

type Listener = (...args: any[]) => unknown

export class Emitter {
  listeners = new Map<string, Listener[]>()
  on(event: string, fn: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn])
    return this
  }
  once(event: string, fn: Listener) {
    const wrapper = (...args: unknown[]) => {
      this.removeListener(event, wrapper)
      return fn(...args)
    }
    return this.on(event, wrapper)
  }
  removeListener(event: string, fn: Listener) {
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l !== fn))
    return this
  }
  emit(event: string, ...args: unknown[]) {
    for (const fn of this.listeners.get(event) ?? []) fn(...args)
  }
  listenerCount(event: string) {
    return (this.listeners.get(event) ?? []).length
  }
}

export class FakeWebContents extends Emitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null
  send = vi.fn((_channel: string, _payload: unknown) => {})
  setWindowOpenHandler(fn: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = fn
  }
}

export const windows: FakeBrowserWindow[] = []
export class FakeBrowserWindow extends Emitter {
  webContents = new FakeWebContents()
  visible = false
  destroyed = false
  loadURL = vi.fn(async (_url: string) => {})
  hide = vi.fn(() => void (this.visible = false))
  show = vi.fn(() => {
    this.visible = true
    this.emit('show')
  })
  focus = vi.fn()
  restore = vi.fn()
  isMinimized = () => false
  isVisible = () => this.visible
  isDestroyed = () => this.destroyed
  constructor(readonly options: any) {
    super()
    windows.push(this)
  }
}

export const trays: FakeTray[] = []
export class FakeTray extends Emitter {
  image: unknown
  menu: { template: any[] } | null = null
  tooltip = ''
  destroyed = false
  constructor(image: unknown) {
    super()
    this.image = image
    trays.push(this)
  }
  setImage(image: unknown) {
    this.image = image
  }
  setToolTip(text: string) {
    this.tooltip = text
  }
  setContextMenu(menu: { template: any[] }) {
    this.menu = menu
  }
  destroy = vi.fn(() => void (this.destroyed = true))
  /** The menu item with this label (throws when missing, so a test fails clearly). */
  item(label: string) {
    const found = this.menu?.template.find((i: { label?: string }) => i.label === label)
    if (!found) throw new Error(`no tray menu item "${label}" in ${JSON.stringify(this.menu?.template.map((i) => i.label))}`)
    return found
  }
}

export const notifications: FakeNotification[] = []
export class FakeNotification extends Emitter {
  static isSupported = () => true
  show = vi.fn()
  constructor(readonly options: { title: string; body: string }) {
    super()
    notifications.push(this)
  }
}

class FakeIpcRenderer extends Emitter {
  invoke = vi.fn(async (_channel: string, _input: unknown): Promise<unknown> => undefined)
}

export const exposed: Record<string, any> = {}
export const ipcRenderer = new FakeIpcRenderer()

export const electron = {
  BrowserWindow: FakeBrowserWindow,
  Tray: FakeTray,
  Notification: FakeNotification,
  Menu: { buildFromTemplate: (template: unknown[]) => ({ template }) },
  nativeImage: { createFromPath: (path: string) => ({ path }), createEmpty: () => ({ empty: true }) },
  shell: { openExternal: vi.fn(async (_url: string) => {}) },
  contextBridge: { exposeInMainWorld: vi.fn((key: string, api: unknown) => void (exposed[key] = api)) },
  ipcRenderer,
}

export const electronModule = { ...electron, default: electron }
