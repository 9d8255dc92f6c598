// What changed in the core, as pushed to a window so it can refresh instead of polling.
// No zod and no Node here: the sandboxed preload imports this file.

/**
 * - `deliveries`: deliveries or attempts were added or changed (also the stats).
 * - `endpoints`: an endpoint was added, edited, deleted or flagged, or its queue moved.
 * - `settings`: the settings changed.
 * - `sources`: a Discord-compatible source was added, changed or deleted, or received a message.
 * - `state`: the overall state (ok, needs attention, offline, paused) may have changed.
 */
export const CHANGE_TOPICS = ['deliveries', 'endpoints', 'settings', 'sources', 'state'] as const
export type ChangeTopic = (typeof CHANGE_TOPICS)[number]

/** The payload of one push on CHANGE_CHANNEL. */
export interface ChangeNotice {
  topic: ChangeTopic
}

/** The main → window push channel of change notices. */
export const CHANGE_CHANNEL = 'knocker:changed'

export function isChangeTopic(value: unknown): value is ChangeTopic {
  return (CHANGE_TOPICS as readonly unknown[]).includes(value)
}
