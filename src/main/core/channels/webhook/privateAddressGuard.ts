// SSRF guard for user-entered webhook URLs: a public-looking hostname may resolve to
// 127.0.0.1, the LAN or a cloud metadata address. Unless allow_private_targets is on, sends
// go through an undici Agent whose DNS lookup refuses every such address (all of them are
// checked, not just the first) and whose connector refuses private IP literals.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import { isIP } from 'node:net'
import { Agent, buildConnector } from 'undici'
import { isPrivateHost } from '../outbound/targetUrl'

/** The error code postJson's describeSendError turns into a clear message. */
export const PRIVATE_ADDRESS = 'PRIVATE_ADDRESS'

export type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void
export type LookupFunction = (hostname: string, options: LookupOptions, callback: LookupCallback) => void

function privateAddressError(): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error('refused: the host is a private, loopback or link-local address')
  error.code = PRIVATE_ADDRESS
  return error
}

/** A dns.lookup that fails with PRIVATE_ADDRESS when any resolved address is private. */
export function guardLookup(lookup: LookupFunction = dnsLookup as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (err, resolved) => {
      if (err) return callback(err, [])
      const addresses = Array.isArray(resolved) ? resolved : [{ address: resolved, family: isIP(resolved) }]
      if (addresses.length === 0) {
        const notFound: NodeJS.ErrnoException = new Error('no address')
        notFound.code = 'ENOTFOUND'
        return callback(notFound, [])
      }
      if (addresses.some((a) => isPrivateHost(a.address))) return callback(privateAddressError(), [])
      if (options.all) return callback(null, addresses)
      callback(null, addresses[0].address, addresses[0].family)
    })
  }
}

/** An Agent that never connects to a private address (same keep-alive settings as the engine's). */
export function createGuardedAgent(options: { lookup?: LookupFunction } = {}): Agent {
  const connector = buildConnector({ timeout: 10_000, lookup: guardLookup(options.lookup) })
  return new Agent({
    keepAliveTimeout: 30_000,
    connections: 8,
    connect(connectOptions, callback) {
      // IP literals skip DNS (net.connect never calls lookup for them): check them here.
      const host = connectOptions.hostname.replace(/^\[|\]$/g, '')
      if (isIP(host) && isPrivateHost(host)) return callback(privateAddressError(), null)
      connector(connectOptions, callback)
    },
  })
}

let shared: Agent | null = null

/** The module's guarded Agent, created on first use and kept alive between sends. */
export function guardedAgent(): Agent {
  shared ??= createGuardedAgent()
  return shared
}

export async function closeGuardedAgent(): Promise<void> {
  const agent = shared
  shared = null
  await agent?.close().catch(() => undefined)
}
