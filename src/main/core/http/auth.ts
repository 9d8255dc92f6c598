// Bearer token checks in constant time.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { ApiError } from '../admin/apiError'

const digest = (value: string) => createHash('sha256').update(value).digest()

export function requireBearer(req: IncomingMessage, expected: string, realm: string): void {
  const header = req.headers.authorization ?? ''
  const match = /^Bearer\s+(.+)$/i.exec(header)
  if (!match || !timingSafeEqual(digest(match[1].trim()), digest(expected))) {
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
