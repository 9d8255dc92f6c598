// The one way the core tells what happened: what changed (deliveries, endpoints, settings,
// state), so a shell can refresh its window and tray instead of polling, and which endpoint
// was just flagged "needs attention", so the desktop can notify the person at the PC. The
// engine, intake, the pollers and the admin service all report here; the shells and the
// admin API's change stream listen here. Listeners are called synchronously and must be
// cheap: intake may announce thousands of commits a second (the desktop shell coalesces).
import type { ChangeTopic } from '../../shared/changes'
import type { AdminApi, AdminCallName } from '../../shared/contracts'

export type ChangeListener = (topic: ChangeTopic) => void

/** An endpoint newly flagged "needs attention" (its reason already free of secrets). */
export interface AttentionNotice {
  id: string
  name: string
  reason: string
}
export type AttentionListener = (endpoint: AttentionNotice) => void

export type CoreEvent = { kind: 'changed'; topic: ChangeTopic } | { kind: 'attention'; endpoint: AttentionNotice }

export class CoreEvents {
  private readonly listeners = new Set<(event: CoreEvent) => void>()

  /** Every event; returns a function that unsubscribes. */
  subscribe(listener: (event: CoreEvent) => void): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  onChange(listener: ChangeListener): () => void {
    return this.subscribe((event) => event.kind === 'changed' && listener(event.topic))
  }

  onAttention(listener: AttentionListener): () => void {
    return this.subscribe((event) => event.kind === 'attention' && listener(event.endpoint))
  }

  changed(...topics: ChangeTopic[]): void {
    for (const topic of topics) this.emit({ kind: 'changed', topic })
  }

  attention(endpoint: AttentionNotice): void {
    this.emit({ kind: 'attention', endpoint })
  }

  private emit(event: CoreEvent): void {
    for (const listener of this.listeners) {
      // A broken listener (a destroyed window) must not break intake or the engine.
      try {
        listener(event)
      } catch {
        /* the listener's own problem */
      }
    }
  }
}

/** What each admin call changes when it succeeds. A new call must be listed here (typed). */
const ADMIN_CALL_CHANGES: Record<AdminCallName, readonly ChangeTopic[]> = {
  listEndpoints: [],
  getEndpoint: [],
  getSettings: [],
  listDeliveries: [],
  getDelivery: [],
  getStats: [],
  exportDeliveries: [],
  previewMessage: [], // formats a sample, sends and stores nothing
  explainRouting: [], // asks the router, sends and stores nothing
  getIntakeInfo: [],
  getSystemInfo: [],
  createEndpoint: ['endpoints', 'state'],
  updateEndpoint: ['endpoints', 'state'],
  rotateSecret: ['endpoints'],
  // A morning report is queued (or recorded as suppressed).
  sendMorningReport: ['deliveries', 'endpoints'],
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
  listRelaySources: [],
  createRelaySource: ['sources'],
  updateRelaySource: ['sources'],
  rotateRelaySourceToken: ['sources'],
  deleteRelaySource: ['sources'],
}

/** The same AdminApi, announcing each successful change on the feed. */
export function announceAdminChanges(admin: AdminApi, feed: CoreEvents): AdminApi {
  const announced = {} as Record<AdminCallName, (input: unknown) => Promise<unknown>>
  for (const name of Object.keys(ADMIN_CALL_CHANGES) as AdminCallName[]) {
    const call = (admin[name] as (input: unknown) => Promise<unknown>).bind(admin)
    const topics = ADMIN_CALL_CHANGES[name]
    announced[name] =
      topics.length === 0
        ? call
        : async (input) => {
            const result = await call(input)
            feed.changed(...topics)
            return result
          }
  }
  return announced as unknown as AdminApi
}
