// Every destination kind Knocker can deliver to. Adding one touches its own folder and this list.
import type { EndpointKind } from '../../../shared/domain'
import type { Channel } from './types'
import { discordChannel } from './discord'
import { emailChannel } from './email'
import { slackChannel } from './slack'
import { teamsChannel } from './teams'
import { webhookChannel } from './webhook'

export type ChannelRegistry = Record<EndpointKind, Channel<unknown>>

export const channels: ChannelRegistry = {
  discord: discordChannel as Channel<unknown>,
  slack: slackChannel as Channel<unknown>,
  teams: teamsChannel as Channel<unknown>,
  email: emailChannel as Channel<unknown>,
  webhook: webhookChannel as Channel<unknown>,
}
