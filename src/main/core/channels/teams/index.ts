// SCAFFOLD: replaced by the real teams channel (being written now).
import { TargetError, type Channel } from '../types'

export const teamsChannel: Channel<unknown> = {
  kind: 'teams',
  parseTarget() {
    throw new TargetError('teams endpoints are not available yet')
  },
  redactTarget: () => '',
  format: () => {
    throw new Error('not available')
  },
  send: () => Promise.reject(new Error('not available')),
  classify: () => ({ result: 'permanent', errorClass: 'rejected', message: 'not available', flagEndpoint: false }),
}
