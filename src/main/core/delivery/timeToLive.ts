// How long each event type's deliveries may wait before they fail: the settings' for the host
// app's events, fixed ones for Knocker's own messages and relayed messages.
import { ATTENTION_ALERT_TTL_HOURS, ATTENTION_ALERT_TYPE } from '../../../shared/attentionAlert'
import type { Settings } from '../../../shared/contracts'
import { MORNING_REPORT_TTL_HOURS, MORNING_REPORT_TYPE } from '../../../shared/morningReport'
import { RELAY_EVENT_TYPES, RELAY_TTL_HOURS } from '../../../shared/relay'

/** Time to live of an event type the settings don't name. */
export const DEFAULT_TTL_HOURS = 48

/** Time to live per event type, in hours. */
export function ttlHoursOf(settings: Pick<Settings, 'ttl_hours'>): Record<string, number> {
  return {
    ...settings.ttl_hours,
    ...Object.fromEntries(RELAY_EVENT_TYPES.map((type) => [type, RELAY_TTL_HOURS])),
    [ATTENTION_ALERT_TYPE]: ATTENTION_ALERT_TTL_HOURS,
    [MORNING_REPORT_TYPE]: MORNING_REPORT_TTL_HOURS,
  }
}
