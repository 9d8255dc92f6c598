// The type of `window.knocker`, the preload's bridge. Types only: the renderer imports this
// to know whether it runs inside Electron (bridge present) or in a browser (HTTP client).
import type { AdminApi } from './contracts'

export type KnockerBridge = AdminApi & { readonly platform: 'electron' }

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
