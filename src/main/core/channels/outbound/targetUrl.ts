// Checks a pasted destination URL: https to the service's own hosts, unless the
// allow_private_targets setting lets http:// and loopback/LAN receivers through.
import { isIP } from 'node:net'
import { TargetError } from '../types'

const PRIVATE_HOST_SUFFIXES = ['.localhost', '.local', '.lan', '.internal', '.home.arpa']

function isPrivateIPv4(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number)
  return (
    a === 0 ||
    a === 127 ||
    a === 10 ||
    (a === 192 && b === 168) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 100 && b >= 64 && b <= 127) // carrier-grade NAT
  )
}

// IPv4 embedded in IPv6, dotted or the way the URL parser writes it: ::ffff:7f00:1 (mapped),
// ::7f00:1 (compatible), 64:ff9b::7f00:1 (NAT64).
const EMBEDDED_IPV4_DOTTED = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/
const EMBEDDED_IPV4_HEX = /^(?:::ffff:|::|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/

function hexToIPv4(hi: string, lo: string): string {
  const a = parseInt(hi, 16)
  const b = parseInt(lo, 16)
  return `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`
}

/** Loopback, private, link-local, multicast or a local name: not somewhere a public service
 * lives. Also catches the odd spellings ("localhost.", IPv4 written inside IPv6). */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '')
  const family = isIP(host)
  if (family === 4) return isPrivateIPv4(host) || Number(host.split('.')[0]) >= 224 // multicast, reserved, broadcast
  if (family === 6) {
    const dotted = EMBEDDED_IPV4_DOTTED.exec(host)
    if (dotted) return isPrivateIPv4(dotted[1])
    const hex = EMBEDDED_IPV4_HEX.exec(host)
    if (hex) return isPrivateIPv4(hexToIPv4(hex[1], hex[2]))
    return host === '::1' || host === '::' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host.startsWith('ff')
  }
  return host === 'localhost' || PRIVATE_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix))
}

export interface UrlRules {
  /** The message when the URL doesn't fit (must not quote the URL: it holds secrets). */
  expected: string
  allowPrivate: boolean
  /** When set, only these hosts (or their subdomains, with a leading '.') are accepted over https. */
  hosts?: Array<string | RegExp>
}

/** Parses and checks a destination URL. Errors never repeat the URL. */
export function parseTargetUrl(raw: unknown, rules: UrlRules, path = 'url'): URL {
  if (typeof raw !== 'string' || raw.trim() === '') throw new TargetError(rules.expected, path)
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    throw new TargetError(rules.expected, path)
  }
  if (url.username || url.password) throw new TargetError(`${rules.expected} (no user:password@ in the URL)`, path)
  const host = url.hostname.toLowerCase()
  const local = isPrivateHost(host)
  const known = rules.hosts?.some((h) => (typeof h === 'string' ? h === host : h.test(host))) ?? false
  // A service's own host pasted as http:// is the same service: talk to it over https.
  if (known && url.protocol === 'http:') url.protocol = 'https:'
  if (local || url.protocol === 'http:') {
    if (!rules.allowPrivate || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new TargetError(
        local
          ? `${rules.expected} (local addresses need the "allow private targets" setting)`
          : `${rules.expected} (must be https://)`,
        path,
      )
    }
    return url
  }
  if (url.protocol !== 'https:') throw new TargetError(`${rules.expected} (must be https://)`, path)
  if (rules.hosts && !known) {
    throw new TargetError(rules.expected, path)
  }
  return url
}

/** "hooks.slack.com …ab12": the host and the last 4 characters, nothing more. */
export function hostAndTail(url: string, secretPart: string): string {
  return `${new URL(url).host} …${secretPart.slice(-4)}`
}
