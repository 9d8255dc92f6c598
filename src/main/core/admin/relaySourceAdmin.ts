// The admin calls of Discord-compatible sources: list, create, rename and re-route, rotate the
// token, delete. The full URL (with its token) is returned only by create and rotate; every
// other view shows it redacted.
import type { AdminInput, AdminOutput } from '../../../shared/contracts'
import type { RelayRoute, RelaySourceView } from '../../../shared/relay'
import type { Clock } from '../clock'
import type { EndpointsRepo } from '../db/endpointsRepo'
import type { RelaySourceRecord, RelaySourcesRepo } from '../db/relaySourcesRepo'
import { ApiError, notFound } from './apiError'

export interface RelaySourceAdminDeps {
  repo: RelaySourcesRepo
  endpoints: EndpointsRepo
  clock: Clock
  /** Where Knocker listens (http://host:port), once the shell listens. */
  baseUrl: () => string | null
}

/** The URL a source's app posts to. */
export function sourceUrl(base: string, id: string, token: string): string {
  return `${base.replace(/\/+$/, '')}/api/webhooks/${id}/${token}`
}

export function relaySourceHandlers({ repo, endpoints, clock, baseUrl }: RelaySourceAdminDeps) {
  const view = (record: RelaySourceRecord): RelaySourceView => {
    const base = baseUrl()
    return {
      id: record.id,
      name: record.name,
      url: base ? sourceUrl(base, record.id, `[redacted]…${record.tokenHint}`) : null,
      token_hint: record.tokenHint,
      // Deleted endpoints drop out of the subscription.
      routes: record.routes.filter((route) => endpoints.get(route.endpoint_id)),
      messages_received: record.messagesReceived,
      last_message_at: record.lastMessageAt,
      created_at: record.createdAt,
      updated_at: record.updatedAt,
    }
  }
  const withUrl = (record: RelaySourceRecord, token: string) => {
    const base = baseUrl()
    return { ...view(record), full_url: base ? sourceUrl(base, record.id, token) : null, token }
  }
  const sourceOr404 = (id: string) => {
    const record = repo.get(id)
    if (!record) throw notFound(`Source ${id}`)
    return record
  }
  const checkRoutes = (routes: RelayRoute[]) => {
    routes.forEach((route, i) => {
      if (!endpoints.get(route.endpoint_id)) {
        throw new ApiError(400, 'invalid_request', 'The subscription names an endpoint that does not exist', [
          { path: `routes.${i}.endpoint_id`, message: `no endpoint ${route.endpoint_id}` },
        ])
      }
    })
    return routes
  }

  return {
    listRelaySources: (): AdminOutput<'listRelaySources'> => ({ sources: repo.list().map(view) }),
    createRelaySource: (input: Required<AdminInput<'createRelaySource'>>) => {
      const { source, token } = repo.create(input.name, checkRoutes(input.routes), clock.now())
      return withUrl(source, token)
    },
    updateRelaySource: (input: AdminInput<'updateRelaySource'>) => {
      sourceOr404(input.id)
      return view(repo.update(input.id, { name: input.name, routes: input.routes && checkRoutes(input.routes) }, clock.now()))
    },
    rotateRelaySourceToken: (input: AdminInput<'rotateRelaySourceToken'>) => {
      sourceOr404(input.id)
      const token = repo.rotate(input.id, clock.now())
      return withUrl(repo.get(input.id)!, token)
    },
    deleteRelaySource: (input: AdminInput<'deleteRelaySource'>) => {
      sourceOr404(input.id)
      repo.delete(input.id)
      return { ok: true as const }
    },
  }
}
