// Standard Webhooks signing secrets (whsec_ + base64 of random bytes). An endpoint keeps a
// list, newest first. After a rotation the older ones stay valid until their grace period
// ends, and every send is signed with each secret still valid, so receivers can switch over
// at their own pace.
import { randomBytes } from 'node:crypto'
import { TargetError } from '../types'

export interface SigningSecret {
  secret: string
  /** Epoch ms after which the secret no longer signs; null for the newest. */
  expiresAt: number | null
}

const PREFIX = 'whsec_'
const GENERATED_BYTES = 32
const MIN_BYTES = 24
const MAX_BYTES = 64
/** Rotating faster than the grace period piles up secrets; keep the newest few. */
const MAX_SECRETS = 5

const SECRET_RULE = `a Standard Webhooks secret: whsec_ followed by base64 (with padding) of ${MIN_BYTES}–${MAX_BYTES} random bytes`

function generateSecret(): string {
  return PREFIX + randomBytes(GENERATED_BYTES).toString('base64')
}

/** whsec_ + canonical base64 of 24–64 bytes (what standardwebhooks can decode). */
function isValidSecret(value: unknown): value is string {
  if (typeof value !== 'string' || !value.startsWith(PREFIX)) return false
  const encoded = value.slice(PREFIX.length)
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return false
  const bytes = Buffer.from(encoded, 'base64')
  return bytes.length >= MIN_BYTES && bytes.length <= MAX_BYTES && bytes.toString('base64') === encoded
}

export function liveSecrets(secrets: readonly SigningSecret[], now: number): SigningSecret[] {
  return secrets.filter((s) => s.expiresAt === null || s.expiresAt > now)
}

/**
 * The endpoint's secrets from its fields: a secret the user chose (replaces any others),
 * the stored list (expired ones pruned), or a freshly generated one.
 */
export function parseSecrets(input: { secret?: unknown; secrets?: unknown }, now: number): SigningSecret[] {
  if (input.secret !== undefined) {
    if (!isValidSecret(input.secret)) throw new TargetError(`secret must be ${SECRET_RULE}`, 'secret')
    return [{ secret: input.secret, expiresAt: null }]
  }
  if (input.secrets === undefined) return [{ secret: generateSecret(), expiresAt: null }]
  if (!Array.isArray(input.secrets)) throw new TargetError('the stored signing secrets are unreadable; rotate the secret', 'secret')
  const stored = input.secrets.map((entry: unknown): SigningSecret => {
    const { secret, expiresAt } = (entry ?? {}) as Record<string, unknown>
    const validExpiry = expiresAt === null || (typeof expiresAt === 'number' && Number.isFinite(expiresAt))
    if (!isValidSecret(secret) || !validExpiry) {
      throw new TargetError('the stored signing secrets are unreadable; rotate the secret', 'secret')
    }
    return { secret, expiresAt: expiresAt as number | null }
  })
  const live = liveSecrets(stored, now).slice(0, MAX_SECRETS)
  if (live.length === 0) throw new TargetError('the endpoint has no valid signing secret left; rotate the secret', 'secret')
  return live
}

/**
 * A new newest secret. The previous ones stay valid for graceMs more (never longer than they
 * already would); a grace of 0 drops them at once.
 */
export function rotateSecrets(secrets: readonly SigningSecret[], now: number, graceMs: number): SigningSecret[] {
  const until = now + Math.max(0, graceMs)
  const previous =
    graceMs > 0
      ? liveSecrets(secrets, now).map((s) => ({ secret: s.secret, expiresAt: s.expiresAt === null ? until : Math.min(s.expiresAt, until) }))
      : []
  return [{ secret: generateSecret(), expiresAt: null }, ...previous].slice(0, MAX_SECRETS)
}
