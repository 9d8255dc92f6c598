// SCAFFOLD: replaced by the real slack channel (being written now).
import { TargetError, type Channel } from '../types'

export const slackChannel: Channel<unknown> = {
  kind: 'slack',
  parseTarget() {
    throw new TargetError('slack endpoints are not available yet')
  },
  redactTarget: () => '',
  format: () => {
    throw new Error('not available')
  },
  send: () => Promise.reject(new Error('not available')),
  classify: () => ({ result: 'permanent', errorClass: 'rejected', message: 'not available', flagEndpoint: false }),
}
