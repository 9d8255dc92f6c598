// Picks the AdminApi transport: the Electron preload bridge when present, else HTTP to the
// headless shell on the same origin (authenticated with the admin token).
import type { AdminApi } from '../../shared/contracts'
import type { KnockerBridge } from '../../shared/bridge'
import { AdminApiError, createHttpAdminApi } from '../../shared/adminHttpClient'

export { AdminApiError }

export function electronBridge(): KnockerBridge | null {
  const bridge = window.knocker
  return bridge?.platform === 'electron' ? bridge : null
}

/** Errors that asking again will not fix: any 4xx over HTTP, and every bridge error (IPC has no network blips). */
export function isFinalError(error: unknown): boolean {
  if (error instanceof AdminApiError) return error.status < 500
  return (error as { name?: unknown } | null)?.name === 'KnockerBridgeError'
}

export function httpAdminApi(token: () => string | null): AdminApi {
  return createHttpAdminApi({ baseUrl: '', token })
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof AdminApiError && error.status === 401
}

/** Wraps every call so a 401 answer from any of them reaches `onUnauthorized` once. */
export function withUnauthorizedHandler(api: AdminApi, onUnauthorized: () => void): AdminApi {
  const wrapped: Record<string, (input: unknown) => Promise<unknown>> = {}
  for (const [name, call] of Object.entries(api) as Array<[string, (input: unknown) => Promise<unknown>]>) {
    if (typeof call !== 'function') continue
    wrapped[name] = async (input) => {
      try {
        return await call(input)
      } catch (error) {
        if (isUnauthorized(error)) onUnauthorized()
        throw error
      }
    }
  }
  return wrapped as unknown as AdminApi
}
