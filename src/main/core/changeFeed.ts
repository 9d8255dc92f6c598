// Announces what changed in the core (deliveries, endpoints, settings, state), so a shell can
// refresh its window and tray instead of polling. Listeners are called synchronously and must
// be cheap: intake may announce thousands of commits a second (the desktop shell coalesces).
import type { ChangeTopic } from '../../shared/changes'
import type { AdminApi, AdminCallName } from '../../shared/contracts'

export type ChangeListener = (topic: ChangeTopic) => void

export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>()

  /** Returns a function that unsubscribes. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  emit(...topics: ChangeTopic[]): void {
    for (const listener of this.listeners) {
      for (const topic of topics) {
        // A broken listener (a destroyed window) must not break intake or the engine.
        try {
          listener(topic)
        } catch {
          /* the listener's own problem */
        }
      }
    }
  }
}

/** What each admin call changes when it succeeds. A new call must be listed here (typed). */
export const ADMIN_CALL_CHANGES: Record<AdminCallName, readonly ChangeTopic[]> = {
  listEndpoints: [],
  getEndpoint: [],
  getSettings: [],
  listDeliveries: [],
  getDelivery: [],
  getStats: [],
  exportDeliveries: [],
  previewMessage: [], // formats a sample, sends and stores nothing
  getIntakeInfo: [],
  getSystemInfo: [],
  createEndpoint: ['endpoints', 'state'],
  updateEndpoint: ['endpoints', 'state'],
  rotateSecret: ['endpoints'],
  // Its queued deliveries fail.
  deleteEndpoint: ['endpoints', 'deliveries', 'state'],
  testEndpoint: ['deliveries', 'endpoints', 'state'],
  updateSettings: ['settings', 'state'],
  // Retrying also clears the endpoint's "needs attention" flag.
  retryDelivery: ['deliveries', 'endpoints', 'state'],
  retryFailed: ['deliveries', 'endpoints', 'state'],
  getPollers: [],
  updatePoller: ['settings'],
  // A poll may bring new events (and with them deliveries).
  pollNow: ['deliveries', 'endpoints', 'state'],
}

/** The same AdminApi, announcing each successful change on the feed. */
export function announceAdminChanges(admin: AdminApi, feed: ChangeFeed): AdminApi {
  const announced = {} as Record<AdminCallName, (input: unknown) => Promise<unknown>>
  for (const name of Object.keys(ADMIN_CALL_CHANGES) as AdminCallName[]) {
    const call = (admin[name] as (input: unknown) => Promise<unknown>).bind(admin)
    const topics = ADMIN_CALL_CHANGES[name]
    announced[name] =
      topics.length === 0
        ? call
        : async (input) => {
            const result = await call(input)
            feed.emit(...topics)
            return result
          }
  }
  return announced as unknown as AdminApi
}
