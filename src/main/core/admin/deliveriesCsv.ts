// The delivery history as CSV (RFC 4180), for spreadsheets. Cells that a spreadsheet would run
// as a formula (=, +, -, @ …) are prefixed with ' so an exported report text cannot execute.
import type { DeliveryView } from '../../../shared/contracts'

const COLUMNS: Array<[string, (d: DeliveryView) => string | number | boolean | null]> = [
  ['delivery_id', (d) => d.id],
  ['created_at', (d) => iso(d.created_at)],
  ['event_id', (d) => d.event_id],
  ['event', (d) => d.event],
  ['summary', (d) => d.summary],
  ['endpoint', (d) => d.endpoint_name],
  ['endpoint_kind', (d) => d.endpoint_kind],
  ['status', (d) => d.status],
  ['test', (d) => d.is_test],
  ['attempts', (d) => d.attempt_count],
  ['last_status_code', (d) => d.last_status_code],
  ['last_error_class', (d) => d.last_error_class],
  ['last_error', (d) => d.last_error],
  ['occurred_at', (d) => d.occurred_at],
  ['delivered_at', (d) => iso(d.delivered_at)],
  ['latency_ms', (d) => d.latency_ms],
  // The rule it matched, why it waits or what it changed ("matched: zone is workshop",
  // "held: quiet hours until 07:00", "edited: report closed").
  ['why', (d) => d.why],
]

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

function csvCell(value: string | number | boolean | null): string {
  if (value === null) return ''
  let text = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export function deliveriesCsv(rows: DeliveryView[]): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')]
  for (const row of rows) lines.push(COLUMNS.map(([, get]) => csvCell(get(row))).join(','))
  return lines.join('\r\n') + '\r\n'
}
