// Reads a JSON request body with a size cap and clear errors (413, 415).
import type { IncomingMessage } from 'node:http'
import { ApiError } from '../admin/apiError'

export const MAX_BODY_BYTES = 256 * 1024
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
/** How far past the limit an undeclared (chunked) body is read, to answer 413 cleanly. */
const DRAIN_FACTOR = 4

export async function readJsonBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN)
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume()
    throw tooLarge(maxBytes)
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
  if (type !== 'application/json' && !type.endsWith('+json')) {
    req.resume()
    throw new ApiError(415, 'unsupported_media_type', 'The body must be JSON (Content-Type: application/json)')
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    // Leaving this loop destroys the request, and a socket closed with unread bytes is reset
    // by the kernel: the client's next request on that keep-alive connection would fail. So a
    // chunked body over the limit is read on and discarded, unless it is absurdly long.
    if (size > maxBytes * DRAIN_FACTOR) break
    if (size <= maxBytes) chunks.push(chunk as Buffer)
  }
  if (size > maxBytes) throw tooLarge(maxBytes)
  let text: string
  try {
    // JSON is UTF-8 (RFC 8259). Decoding leniently would store U+FFFD in place of what was sent.
    text = strictUtf8.decode(Buffer.concat(chunks))
  } catch {
    throw new ApiError(415, 'invalid_json', 'The body is not valid UTF-8')
  }
  if (text.trim() === '') throw new ApiError(415, 'invalid_json', 'The body is empty; expected JSON')
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ApiError(415, 'invalid_json', `The body is not valid JSON: ${(error as Error).message}`)
  }
}

const tooLarge = (max: number) =>
  new ApiError(413, 'payload_too_large', `The body is larger than ${Math.round(max / 1024)} KiB; send fewer events per batch`)
