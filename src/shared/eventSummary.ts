// One plain line per event, for history lists and logs. Never contains reporter contacts.
import { machineDisplayName, type KnockerEvent } from './events'

export function eventSummary(event: KnockerEvent): string {
  const machine = machineDisplayName(event.machine)
  switch (event.event) {
    case 'problem_report.created':
      return `${machine}: new problem report #${event.problem_report.id}`
    case 'problem_report.closed':
      return `${machine}: problem report #${event.problem_report.id} closed by ${event.actor.display_name}`
    case 'problem_report.reopened':
      return `${machine}: problem report #${event.problem_report.id} reopened by ${event.actor.display_name}`
    case 'log_entry.created':
      return `${machine}: log entry #${event.log_entry.id}`
    case 'machine.created':
      return `${machine}: new machine added`
    case 'machine.status_changed':
      return `${machine}: status ${event.change.from_label ?? event.change.from ?? '?'} → ${event.change.to_label ?? event.change.to ?? '?'}`
    case 'machine.location_changed':
      return `${machine}: location ${event.change.from_label ?? event.change.from ?? 'No Location'} → ${event.change.to_label ?? event.change.to ?? 'No Location'}`
  }
}
