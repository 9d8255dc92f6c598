// The headers a user adds to a webhook endpoint: custom headers and authentication. Both
// are secret (they often carry API keys): errors name the header, never its value.
import { TARGET_FIELDS, WebhookAuthSchema } from '../../../../shared/endpointKinds'
import { TargetError } from '../types'
import type { z } from 'zod'

export type WebhookAuth = z.infer<typeof WebhookAuthSchema>

const MAX_HEADERS = 20
/** Set by Knocker or by the HTTP client itself; a user value would break signing or framing. */
const RESERVED = new Set([
  'content-type',
  'content-length',
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
])
const UNSAFE_VALUE = /[\r\n\0]/

function isReserved(lowerName: string): boolean {
  return RESERVED.has(lowerName) || lowerName.startsWith('webhook-') || lowerName.startsWith('proxy-')
}

/** The header name the auth setting writes, lower-cased (null for none). */
function authHeaderName(auth: WebhookAuth): string | null {
  if (auth.type === 'bearer' || auth.type === 'basic') return 'authorization'
  if (auth.type === 'header') return auth.name.toLowerCase()
  return null
}

export function parseAuth(input: unknown): WebhookAuth {
  const parsed = WebhookAuthSchema.safeParse(input ?? { type: 'none' })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const path = ['auth', ...issue.path.map(String)].join('.')
    throw new TargetError(`auth: ${issue.message} (type none, bearer with a token, basic with username and password, or header with name and value)`, path)
  }
  const auth = parsed.data
  if (auth.type === 'basic' && auth.username.includes(':')) {
    throw new TargetError('auth.username must not contain ":" (HTTP Basic uses it as the separator)', 'auth.username')
  }
  if (auth.type === 'header' && isReserved(auth.name.toLowerCase())) {
    throw new TargetError(`auth.name: Knocker sets the "${auth.name}" header itself; choose another header`, 'auth.name')
  }
  const values = auth.type === 'bearer' ? [auth.token] : auth.type === 'basic' ? [auth.username, auth.password] : auth.type === 'header' ? [auth.value] : []
  if (values.some((v) => UNSAFE_VALUE.test(v))) throw new TargetError('auth values must be a single line', 'auth')
  return auth
}

export function parseCustomHeaders(input: unknown, auth: WebhookAuth): Record<string, string> {
  const parsed = TARGET_FIELDS.webhook.headers.safeParse(input ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new TargetError(`headers: ${issue.message}; expected names of letters, digits and dashes with text values`, 'headers')
  }
  const headers = parsed.data ?? {}
  const names = Object.keys(headers)
  if (names.length > MAX_HEADERS) throw new TargetError(`at most ${MAX_HEADERS} custom headers`, 'headers')
  const seen = new Set<string>()
  const fromAuth = authHeaderName(auth)
  for (const name of names) {
    const lower = name.toLowerCase()
    if (seen.has(lower)) throw new TargetError(`the header "${name}" is given twice`, `headers.${name}`)
    seen.add(lower)
    if (isReserved(lower)) {
      throw new TargetError(`the "${name}" header is set by Knocker and cannot be overridden`, `headers.${name}`)
    }
    if (lower === fromAuth) {
      throw new TargetError(`the "${name}" header is already set by the endpoint's authentication; remove one of them`, `headers.${name}`)
    }
    if (UNSAFE_VALUE.test(headers[name])) throw new TargetError(`the "${name}" header value must be a single line`, `headers.${name}`)
  }
  return headers
}

/** What goes on the wire for the custom headers and the authentication. */
export function extraRequestHeaders(headers: Record<string, string>, auth: WebhookAuth): Record<string, string> {
  const out: Record<string, string> = { ...headers }
  if (auth.type === 'bearer') out.authorization = `Bearer ${auth.token}`
  if (auth.type === 'basic') out.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`
  if (auth.type === 'header') out[auth.name] = auth.value
  return out
}
