// The type of `window.knocker`, the preload's bridge. Types only: the renderer imports this
// to know whether it runs inside Electron (bridge present) or in a browser (HTTP client).
import type { ChangeNotice } from './changes'
import type { AdminApi } from './contracts'
import type { DesktopApi } from './desktop'

export type { ChangeNotice, ChangeTopic } from './changes'
export type { DesktopApi, DesktopPreferences, DesktopPreferencesView, SecretStorageKind } from './desktop'

export type KnockerBridge = AdminApi & {
  readonly platform: 'electron'
  /** Desktop-only settings (login item, close to tray) and the secret storage warning. */
  readonly desktop: DesktopApi
  /**
   * Calls `listener` whenever the core changed something (coalesced, and held while the
   * window is hidden). Returns a function that stops listening.
   */
  onChange(listener: (notice: ChangeNotice) => void): () => void
}

/**
 * What a failed bridge call rejects with. A plain object on purpose: contextBridge would strip
 * everything but `message` from an Error, so `instanceof Error` is false in the page.
 */
export interface KnockerBridgeError {
  name: 'KnockerBridgeError'
  message: string
  code: string
  issues?: Array<{ path: string; message: string }>
}

declare global {
  interface Window {
    knocker?: KnockerBridge
  }
}
