// What the tray shows: one of four states, picked from the core's stats. Pure, so the choice
// is tested without Electron.
import type { AdminOutput } from '../../shared/contracts'

export const TRAY_STATES = ['ok', 'attention', 'offline', 'paused'] as const
export type TrayState = (typeof TRAY_STATES)[number]

/** What the tray reads from the core's stats (`state` is offline while the network is down). */
export type TrayStatus = Pick<AdminOutput<'getStats'>, 'delivery_enabled' | 'endpoints' | 'state'>

/** Paused first (the user's own choice explains why nothing moves), then what needs a person,
 * then what fixes itself. */
export function trayStateOf(status: TrayStatus): TrayState {
  if (!status.delivery_enabled) return 'paused'
  if (status.endpoints.needs_attention > 0) return 'attention'
  if (status.state === 'offline') return 'offline'
  return 'ok'
}

/** Everything that is wrong, not just the state shown by the icon. */
export function trayStatusText(status: TrayStatus): string {
  const lines: string[] = []
  if (!status.delivery_enabled) lines.push('Deliveries paused')
  const attention = status.endpoints.needs_attention
  if (attention > 0) lines.push(attention === 1 ? '1 endpoint needs attention' : `${attention} endpoints need attention`)
  if (status.state === 'offline') lines.push('Offline: deliveries wait for the connection')
  return lines.length > 0 ? lines.join('\n') : 'Delivering'
}

/**
 * The icon of a state: 16 px with an @2x file beside it (Electron picks it on HiDPI screens);
 * on macOS the black-and-alpha template image, which the menu bar tints for light and dark.
 */
export const trayIconFile = (state: TrayState, platform: NodeJS.Platform = process.platform) =>
  platform === 'darwin' ? `${state}Template.png` : `${state}.png`
