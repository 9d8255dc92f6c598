// Which kind of endpoint a pasted URL is, so the "Add endpoint" form can pick it for the user.
// Only the host and path are looked at; the URL (which holds a token) goes nowhere else.
import type { EndpointKind } from './endpointKinds'

const DISCORD_HOSTS = /^(?:(?:ptb|canary)\.)?discord(?:app)?\.com$/
const TEAMS_HOSTS = /(?:\.logic\.azure\.com|\.api\.powerplatform\.com|\.webhook\.office\.com|^outlook\.office(?:365)?\.com)$/

export function recogniseUrl(text: string): EndpointKind | null {
  let url: URL
  try {
    url = new URL(text.trim())
  } catch {
    return null
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
  const host = url.hostname.toLowerCase()
  if (DISCORD_HOSTS.test(host) && /^\/api\/(?:v\d+\/)?webhooks\//.test(url.pathname)) return 'discord'
  if (host === 'hooks.slack.com') return 'slack'
  if (TEAMS_HOSTS.test(host)) return 'teams'
  return 'webhook'
}
