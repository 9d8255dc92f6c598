// Reads a JSON request body with a size cap and clear errors (413, 415).
import type { IncomingMessage } from 'node:http'
import { ApiError } from '../admin/apiError'

export const MAX_BODY_BYTES = 256 * 1024

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
    if (size > maxBytes) {
      req.resume()
      throw tooLarge(maxBytes)
    }
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') throw new ApiError(415, 'invalid_json', 'The body is empty; expected JSON')
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ApiError(415, 'invalid_json', `The body is not valid JSON: ${(error as Error).message}`)
  }
}

const tooLarge = (max: number) =>
  new ApiError(413, 'payload_too_large', `The body is larger than ${Math.round(max / 1024)} KiB; send fewer events per batch`)
