// Every destination kind Knocker can deliver to. Adding one touches its own folder and this list.
import type { EndpointKind } from '../../../shared/domain'
import type { Channel } from './types'
import { discordChannel } from './discord'

export type ChannelRegistry = Record<EndpointKind, Channel<unknown>>

export const channels: ChannelRegistry = {
  discord: discordChannel as Channel<unknown>,
}
