// The admin calls of the pollers: their views (API key redacted), settings and "poll now".
// Settings are checked like endpoint targets: the address must be a public https host unless
// "allow private targets" is on, and a poller can only be switched on with an address and a key.
import type { AdminInput, AdminOutput } from '../../../shared/contracts'
import { POLLER_INFO, type PollerId, type PollerView } from '../../../shared/pollers'
import { parseTargetUrl } from '../channels/outbound/targetUrl'
import { TargetError } from '../channels/types'
import type { Clock } from '../clock'
import type { PollerRecord, PollersRepo } from '../db/pollersRepo'
import type { SettingsRepo } from '../db/settingsRepo'
import { HOST_URL_EXPECTED, type PollScheduler } from '../intake/pollers/pollScheduler'
import { ApiError, conflict } from './apiError'

export interface PollerAdminDeps {
  repo: PollersRepo
  scheduler: PollScheduler
  settings: SettingsRepo
  clock: Clock
}

function pollerView(record: PollerRecord): PollerView {
  const info = POLLER_INFO[record.id]
  const configured = record.baseUrl !== null && record.hasApiKey
  const failing = record.enabled && record.consecutiveFailures > 0
  return {
    id: record.id,
    name: info.name,
    description: info.description,
    enabled: record.enabled,
    base_url: record.baseUrl,
    api_key: record.apiKeyHint,
    interval_seconds: record.intervalSeconds,
    status: {
      state: !record.enabled
        ? 'off'
        : !configured
          ? 'not_configured'
          : failing
            ? 'backing_off'
            : record.lastSuccessAt === null
              ? 'waiting'
              : 'ok',
      last_poll_at: record.lastPollAt,
      last_success_at: record.lastSuccessAt,
      last_error: record.lastError,
      consecutive_failures: record.consecutiveFailures,
      next_poll_at: record.enabled && configured ? record.nextPollAt : null,
      backing_off_until: failing ? record.nextPollAt : null,
      events_emitted: record.eventsEmitted,
      machines_known: record.id === 'machines' && record.state !== null ? Object.keys(JSON.parse(record.state)).length : null,
      has_cursor: record.id === 'event_feed' && record.state !== null,
    },
  }
}

export function pollerHandlers({ repo, scheduler, settings, clock }: PollerAdminDeps) {
  /** The site URL as stored: checked like an endpoint URL, without query, fragment or trailing slash. */
  const checkBaseUrl = (raw: string): string => {
    try {
      const url = parseTargetUrl(raw, { expected: HOST_URL_EXPECTED, allowPrivate: settings.get().allow_private_targets }, 'base_url')
      url.search = ''
      url.hash = ''
      return url.href.replace(/\/+$/, '')
    } catch (error) {
      if (error instanceof TargetError) {
        throw new ApiError(400, 'invalid_request', 'The poller settings are invalid', [{ path: error.path, message: error.message }])
      }
      throw error
    }
  }

  return {
    getPollers: (): AdminOutput<'getPollers'> => ({ pollers: repo.list().map(pollerView) }),

    updatePoller: async (input: AdminInput<'updatePoller'> & { id: PollerId }): Promise<PollerView> => {
      const current = repo.get(input.id)
      const baseUrl = input.base_url !== undefined ? checkBaseUrl(input.base_url) : undefined
      const enabled = input.enabled ?? current.enabled
      const hasKey = input.api_key !== undefined ? input.api_key !== null : current.hasApiKey
      const hasAddress = (baseUrl ?? current.baseUrl) !== null
      if (enabled && (!hasKey || !hasAddress)) {
        const issues = [
          ...(hasAddress ? [] : [{ path: 'base_url', message: "the host app's address is needed to switch the poller on" }]),
          ...(hasKey ? [] : [{ path: 'api_key', message: 'an API key is needed to switch the poller on' }]),
        ]
        throw new ApiError(400, 'invalid_request', 'Set the address and the API key before switching the poller on', issues)
      }
      const updated = await scheduler.reconfigure(input.id, () =>
        repo.configure(
          input.id,
          { enabled: input.enabled, baseUrl, apiKey: input.api_key, intervalSeconds: input.interval_seconds },
          clock.now(),
        ),
      )
      return pollerView(updated)
    },

    pollNow: async ({ id }: { id: PollerId }): Promise<PollerView> => {
      const current = repo.get(id)
      if (!current.enabled) throw conflict(`The ${POLLER_INFO[id].name} poller is off: switch it on first`)
      await scheduler.pollNow(id)
      return pollerView(repo.get(id))
    },
  }
}
