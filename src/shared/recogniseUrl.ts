// Which kind of endpoint a pasted URL is, so the "Add endpoint" form can pick it for the user.
// Only the host and path are looked at; the URL (which holds a token) goes nowhere else.
import { kindOfUrl, type EndpointKind } from './endpointKinds'

export function recogniseUrl(text: string): EndpointKind | null {
  let url: URL
  try {
    url = new URL(text.trim())
  } catch {
    return null
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
  return kindOfUrl(url)
}
