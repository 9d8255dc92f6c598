// Bearer token checks in constant time.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { ApiError } from '../admin/apiError'

const digest = (value: string) => createHash('sha256').update(value).digest()
/** The expected tokens' digests (two per process), so a request hashes only what it sent. */
const expectedDigests = new Map<string, Buffer>()
function expectedDigest(token: string): Buffer {
  let value = expectedDigests.get(token)
  if (!value) expectedDigests.set(token, (value = digest(token)))
  return value
}

export function requireBearer(req: IncomingMessage, expected: string, realm: string): void {
  const header = req.headers.authorization ?? ''
  const match = /^Bearer\s+(.+)$/i.exec(header)
  if (!match || !timingSafeEqual(digest(match[1].trim()), expectedDigest(expected))) {
    throw new ApiError(
      401,
      'unauthorized',
      match ? `Wrong ${realm} token` : `Missing "Authorization: Bearer <${realm} token>" header`,
    )
  }
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.')
}
