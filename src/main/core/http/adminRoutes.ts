// The admin HTTP API, generated from the contract table: one route per contract.
import type { IncomingMessage } from 'node:http'
import { adminContracts, type AdminApi, type AdminCallName } from '../../../shared/contracts'
import { ApiError } from '../admin/apiError'
import { readJsonBody } from './requestBody'

interface Route {
  name: AdminCallName
  method: string
  pattern: RegExp
  keys: string[]
  status: number
}

const routes: Route[] = (Object.keys(adminContracts) as AdminCallName[]).map((name) => {
  const c = adminContracts[name]
  const keys: string[] = []
  const pattern = new RegExp(
    '^' +
      c.path.replace(/:([a-z_]+)/g, (_, key: string) => {
        keys.push(key)
        return '([^/]+)'
      }) +
      '/?$',
  )
  return { name, method: c.method, pattern, keys, status: 'status' in c && c.status ? c.status : 200 }
})

export async function handleAdminRequest(
  admin: AdminApi,
  req: IncomingMessage,
  url: URL,
): Promise<{ status: number; body: unknown }> {
  const matching = routes.filter((r) => r.pattern.test(url.pathname))
  // Literal paths win over parameter paths (/api/deliveries/retry-failed vs /:id).
  matching.sort((a, b) => a.keys.length - b.keys.length)
  const route = matching.find((r) => r.method === req.method)
  if (!route) {
    if (matching.length > 0) {
      throw new ApiError(405, 'method_not_allowed', `${req.method} is not allowed on ${url.pathname}`)
    }
    throw new ApiError(404, 'not_found', `No admin API route ${url.pathname}`)
  }
  const params = route.pattern.exec(url.pathname)!.slice(1).map(decodeURIComponent)
  const input: Record<string, unknown> = {}
  if (req.method === 'GET' || req.method === 'DELETE') {
    for (const [k, v] of url.searchParams) input[k] = v
  } else if (Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding']) {
    const body = await readJsonBody(req)
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new ApiError(400, 'invalid_request', 'The body must be a JSON object')
    }
    Object.assign(input, body)
  }
  route.keys.forEach((key, i) => (input[key] = params[i]))
  const call = admin[route.name] as (input: unknown) => Promise<unknown>
  return { status: route.status, body: await call(input) }
}
