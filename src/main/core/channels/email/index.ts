// SCAFFOLD: replaced by the real email channel (being written now).
import { TargetError, type Channel } from '../types'

export const emailChannel: Channel<unknown> = {
  kind: 'email',
  parseTarget() {
    throw new TargetError('email endpoints are not available yet')
  },
  redactTarget: () => '',
  format: () => {
    throw new Error('not available')
  },
  send: () => Promise.reject(new Error('not available')),
  classify: () => ({ result: 'permanent', errorClass: 'rejected', message: 'not available', flagEndpoint: false }),
}
