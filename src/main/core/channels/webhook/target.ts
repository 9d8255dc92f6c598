// A webhook endpoint's target: the receiver URL, custom headers, authentication and signing
// secrets. All of it is stored sealed; redactTarget/publicSettings show only what is not secret.
import { hostAndTail, parseTargetUrl } from '../outbound/targetUrl'
import { parseAuth, parseCustomHeaders, type WebhookAuth } from './extraHeaders'
import { liveSecrets, parseSecrets, rotateSecrets, type SigningSecret } from './secrets'

export interface WebhookTarget {
  url: string
  headers: Record<string, string>
  auth: WebhookAuth
  /** Newest first; the newest never expires. */
  secrets: SigningSecret[]
}

const EXPECTED = "Enter the receiver's URL, e.g. https://hooks.example.org/knocker"

/**
 * Accepts the API fields (url, headers?, auth?, secret?) and its own output (secrets instead
 * of secret), as updates merge new fields into the stored target. `now` prunes expired secrets.
 */
export function parseWebhookTarget(
  input: Record<string, unknown> & { allowPrivate?: boolean },
  now: number = Date.now(),
): WebhookTarget {
  const allowPrivate = input.allowPrivate === true
  const url = parseTargetUrl(input.url, { expected: EXPECTED, allowPrivate })
  url.hash = ''
  const auth = parseAuth(input.auth)
  const headers = parseCustomHeaders(input.headers, auth)
  const secrets = parseSecrets({ secret: input.secret, secrets: input.secrets }, now)
  return { url: url.href, headers, auth, secrets }
}

/** "hooks.example.org …abcd": the host and the last 4 characters of path and query. */
export function redactWebhookTarget(target: WebhookTarget): string {
  const url = new URL(target.url)
  return hostAndTail(target.url, url.pathname + url.search)
}

/** Header names and the kind of authentication (with its header's name); never a value or a secret. */
export function webhookPublicSettings(target: WebhookTarget, now: number = Date.now()): Record<string, unknown> {
  const live = liveSecrets(target.secrets, now)
  const expiries = live.map((s) => s.expiresAt).filter((at): at is number => at !== null)
  return {
    headers: Object.keys(target.headers),
    auth: target.auth.type,
    ...(target.auth.type === 'header' ? { auth_header: target.auth.name } : {}),
    signing_secrets: live.length,
    previous_secret_expires_at: expiries.length ? Math.max(...expiries) : null,
  }
}

export function signingSecret(target: WebhookTarget): string {
  return target.secrets[0].secret
}

export function rotateSecret(target: WebhookTarget, now: number, graceMs: number): WebhookTarget {
  return { ...target, secrets: rotateSecrets(target.secrets, now, graceMs) }
}
