// The morning report's rules, pure: a machine's health is the worst of its status and its open
// reports' priorities; reports are taken in priority order; a workshop repair has stalled when
// nothing moved for over STALLED_AFTER_DAYS days.
import { HEALTH_LEVELS, STALLED_AFTER_DAYS, type Health } from '../../../shared/morningReport'
import type { MachineRow } from './machineHealthProjection'

const DAY_MS = 24 * 3600_000

// Maps, not objects: a priority is free text from the host app ("constructor" is no rule).
const STATUS_HEALTH = new Map<string, Health>([
  ['good', 'good'],
  ['fixing', 'fixing'],
  ['broken', 'broken'],
  ['unknown', 'unknown'],
])
/** An open Unplayable report makes a machine broken (as the host app itself does); a Major one
 * needs fixing; any other open report (untriaged, minor, task) is an open report. */
const PRIORITY_HEALTH = new Map<string, Health>([
  ['unplayable', 'broken'],
  ['major', 'fixing'],
])
/** Reports in the order a maintainer takes them: the machine-stoppers first, then those nobody triaged yet. */
const PRIORITY_ORDER = ['unplayable', 'major', 'untriaged', 'minor', 'task']

export const rank = (health: Health) => HEALTH_LEVELS.indexOf(health)
export const priorityRank = (priority: string) => {
  const i = PRIORITY_ORDER.indexOf(priority)
  return i === -1 ? PRIORITY_ORDER.length : i
}

/** The worst of a machine's status and its open reports' priorities. */
export function healthOf(status: string, openPriorities: string[]): Health {
  let worst: Health = STATUS_HEALTH.get(status) ?? 'unknown'
  for (const priority of openPriorities) {
    const h = PRIORITY_HEALTH.get(priority) ?? 'reported'
    if (rank(h) < rank(worst)) worst = h
  }
  return worst
}

/** When a workshop machine's repair last moved: its latest work, or its arrival in the workshop. */
export function repairMovedAt(machine: Pick<MachineRow, 'zoneSince' | 'lastWorkAt'>): number {
  return Math.max(machine.zoneSince, machine.lastWorkAt ?? 0)
}

/** In the workshop, not good, and no work logged (nor arrival) for over STALLED_AFTER_DAYS days. */
export function isStalled(machine: Pick<MachineRow, 'zone' | 'zoneSince' | 'lastWorkAt'>, health: Health, now: number): boolean {
  return machine.zone === 'workshop' && health !== 'good' && now - repairMovedAt(machine) > STALLED_AFTER_DAYS * DAY_MS
}
