// The Microsoft Teams channel, through Power Automate "Workflows" (Office 365 connectors and
// their MessageCards are retired). Parse the pasted Workflows URL, post an Adaptive Card 1.4
// within Teams' size limit, and turn Workflows' answer into an Outcome. The URL carries the
// secret sig=: it never appears in an error message, a log line or a stored request body.
import { postJson } from '../outbound/postJson'
import { httpOriginAnswers } from '../outbound/reachable'
import type { Channel, Outcome, PreparedRequest, SendContext, SendResult } from '../types'
import { classifyTeams } from './classify'
import { formatTeams, formatTeamsAlert, formatTeamsRelay, teamsDigest } from './message'
import { parseTeamsTarget, redactTeamsTarget, type TeamsTarget } from './target'
import { formatTeamsMorning } from './morningMessage'

export type { TeamsTarget } from './target'

/** The URL is signed: it is POSTed exactly as stored, with nothing added. */
function send(target: TeamsTarget, prepared: PreparedRequest, ctx: SendContext): Promise<SendResult> {
  return postJson(target.url, prepared.body, ctx)
}

export const teamsChannel: Channel<TeamsTarget> & { classify(result: SendResult, now?: number): Outcome } = {
  kind: 'teams',
  parseTarget: parseTeamsTarget,
  redactTarget: redactTeamsTarget,
  secretValues: (target) => [new URL(target.url).searchParams.get('sig') ?? ''],
  format: formatTeams,
  formatRelay: formatTeamsRelay,
  formatMorning: (report, ctx) => formatTeamsMorning(report, ctx),
  formatAlert: formatTeamsAlert,
  digest: teamsDigest,
  send,
  probe: (target, ctx) => httpOriginAnswers(target.url, ctx),
  classify: classifyTeams,
  // Each request runs a flow that posts through the Teams connector, which throttles per
  // connection (on the order of 100 calls a minute) [assumption]: 1 a second with bursts of 10
  // stays well inside it while a burst of events still goes out at once.
  pacing: { burst: 10, perSecond: 1 },
}
