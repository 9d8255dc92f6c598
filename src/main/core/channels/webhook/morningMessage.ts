// The morning report as a signed webhook: the same envelope as every body Knocker sends, with
// type "knocker.morning_report" and the report itself as data (shared/morningReport.ts, the
// README's event contract). Long lists are cut to the largest length that keeps the body under
// ~20 KB; `omitted` then counts what each kind of list left out (the listed zones' counts stay whole).
import { MORNING_REPORT_TYPE, type MorningReport } from '../../../../shared/morningReport'
import { largestFitting } from '../../text/largestFitting'
import { morningSummary } from '../morningText'
import type { FormatContext, PreparedRequest } from '../types'
import { byteLength, fitPayload, MAX_BODY_BYTES } from './payloadLimit'
import { webhookId } from './signing'

export interface MorningOmitted {
  /** Zones left out (only with many made-up zone names; the host app has four). */
  zones: number
  /** Machines left out of the zones' lists of machines that are not good. */
  zone_machines: number
  /** Machines (with all their reports) left out of open_reports. */
  open_reports: number
  /** Reports left out of the listed machines' reports. */
  reports: number
  stalled: number
}

export interface MorningWebhookEnvelope {
  type: typeof MORNING_REPORT_TYPE
  /** ISO time the report was due (the same on every retry). */
  timestamp: string
  late?: { ms: number; reason: string }
  data: MorningReport
  /** Only when lists were cut to fit. */
  omitted?: MorningOmitted
  truncated?: string[]
  [key: string]: unknown
}

function envelopeAt(report: MorningReport, cap: number, ctx: FormatContext): MorningWebhookEnvelope {
  const omitted: MorningOmitted = { zones: 0, zone_machines: 0, open_reports: 0, reports: 0, stalled: 0 }
  const take = <T>(items: T[], key: keyof MorningOmitted): T[] => {
    omitted[key] += Math.max(0, items.length - cap)
    return items.slice(0, cap)
  }
  const data: MorningReport = {
    ...report,
    zones: take(report.zones, 'zones').map((z) => ({ ...z, machines: take(z.machines, 'zone_machines') })),
    open_reports: take(report.open_reports, 'open_reports').map((m) => ({ ...m, reports: take(m.reports, 'reports') })),
    stalled: take(report.stalled, 'stalled'),
  }
  const cut = Object.values(omitted).some((n) => n > 0)
  return {
    type: MORNING_REPORT_TYPE,
    timestamp: new Date(ctx.delivery.createdAt).toISOString(),
    ...(ctx.late ? { late: { ms: Math.max(0, Math.round(ctx.late.ms)), reason: ctx.late.reason } } : {}),
    data,
    ...(cut && { omitted }),
  }
}

export function formatWebhookMorning(report: MorningReport, ctx: FormatContext): PreparedRequest {
  // Every item of every list, when that fits; else the most items per list that fit.
  const all = Math.max(
    1,
    report.zones.length,
    report.open_reports.length,
    report.stalled.length,
    ...report.zones.map((z) => z.machines.length),
    ...report.open_reports.map((m) => m.reports.length),
  )
  const cap = largestFitting(1, all, (c) => byteLength(envelopeAt(report, c, ctx)) <= MAX_BODY_BYTES) ?? 1
  return {
    body: fitPayload(envelopeAt(report, cap, ctx)),
    summary: morningSummary(report),
    headers: { 'webhook-id': webhookId(ctx.delivery) },
  }
}
