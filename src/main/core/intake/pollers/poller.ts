// What the scheduler asks of each poller: read the host app from where the last read left off,
// hand each page of events (with the snapshot or cursor that goes with it) to `commit`, which
// validates them like pushed events and writes them together with that state in one
// transaction. A poller that returns a failure has changed nothing it hasn't committed.
import type { PollerId } from '../../../../shared/pollers'
import type { HostFailureKind, HostRequestContext } from './hostApi'

export interface PollContext {
  /** The host app's site URL, checked against the private-host rules. */
  baseUrl: URL
  apiKey: string
  /** What the last good poll stored (machines: snapshot JSON · event_feed: cursor). */
  state: string | null
  stateVersion: number
  /** When this poll started. */
  now: number
  http: HostRequestContext
}

export interface PollPage {
  /** Raw events: validated by commit exactly like a pushed batch. */
  events: unknown[]
  state: string | null
  stateVersion: number
  /** Names the source in messages ("the event feed"). */
  source: string
}

export type CommitResult = { ok: true; emitted: number; duplicates: number } | { ok: false; message: string }

export interface PollFailure {
  kind: HostFailureKind | 'invalid_events'
  message: string
}

export interface Poller {
  id: PollerId
  poll(ctx: PollContext, commit: (page: PollPage) => Promise<CommitResult>): Promise<PollFailure | null>
}

/** `path` under the site URL, which may itself have a path prefix. */
export function hostUrl(base: URL, path: string): URL {
  return new URL(`${base.origin}${base.pathname.replace(/\/+$/, '')}${path}`)
}
