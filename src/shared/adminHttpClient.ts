// The AdminApi over HTTP, generated from the contract table (used by the renderer when it is
// served by the headless shell, and by tests).
import { adminContracts, type AdminApi, type AdminCallName, type ApiErrorBody } from './contracts'

export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: Array<{ path: string; message: string }> = [],
  ) {
    super(message)
  }
}

/** Fills `:param` segments from the input; the rest goes to the query (GET/DELETE) or body. */
export function buildRequest(name: AdminCallName, input: Record<string, unknown> = {}) {
  const c = adminContracts[name]
  const rest: Record<string, unknown> = { ...input }
  const path = c.path.replace(/:([a-z_]+)/g, (_, key: string) => {
    const value = rest[key]
    delete rest[key]
    return encodeURIComponent(String(value))
  })
  if (c.method === 'GET' || c.method === 'DELETE') {
    const query = new URLSearchParams()
    for (const [k, v] of Object.entries(rest)) if (v !== undefined && v !== null) query.set(k, String(v))
    const qs = query.toString()
    return { method: c.method, path: qs ? `${path}?${qs}` : path, body: undefined }
  }
  return { method: c.method, path, body: JSON.stringify(rest) }
}

export function createHttpAdminApi(opts: {
  baseUrl: string
  token: () => string | null
  fetch?: typeof fetch
}): AdminApi {
  const doFetch = opts.fetch ?? fetch
  const call = async (name: AdminCallName, input: Record<string, unknown>) => {
    const req = buildRequest(name, input)
    const res = await doFetch(opts.baseUrl + req.path, {
      method: req.method,
      headers: {
        authorization: `Bearer ${opts.token() ?? ''}`,
        ...(req.body ? { 'content-type': 'application/json' } : {}),
      },
      body: req.body,
    })
    const text = await res.text()
    const json = text ? JSON.parse(text) : undefined
    if (!res.ok) {
      const err = (json as ApiErrorBody | undefined)?.error
      throw new AdminApiError(res.status, err?.code ?? 'http_error', err?.message ?? `HTTP ${res.status}`, err?.issues)
    }
    return adminContracts[name].output.parse(json)
  }
  const api = {} as Record<AdminCallName, (input: Record<string, unknown>) => Promise<unknown>>
  for (const name of Object.keys(adminContracts) as AdminCallName[]) {
    api[name] = (input) => call(name, input ?? {})
  }
  return api as unknown as AdminApi
}
