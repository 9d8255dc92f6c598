// SCAFFOLD: replaced by the real webhook channel (being written now).
import { TargetError, type Channel } from '../types'

export const webhookChannel: Channel<unknown> = {
  kind: 'webhook',
  parseTarget() {
    throw new TargetError('webhook endpoints are not available yet')
  },
  redactTarget: () => '',
  format: () => {
    throw new Error('not available')
  },
  send: () => Promise.reject(new Error('not available')),
  classify: () => ({ result: 'permanent', errorClass: 'rejected', message: 'not available', flagEndpoint: false }),
}
