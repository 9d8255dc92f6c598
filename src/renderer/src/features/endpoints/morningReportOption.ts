// The morning-report option in the endpoint forms: read from an endpoint, set in options, and
// sent in an update only when it changed.
import type { EndpointView } from '../../../../shared/contracts'
import { morningReportOf as morningReportOptionOf, type MorningReportOption } from '../../../../shared/morningReport'
import { withOption, withOptionPatch } from './endpointOption'
import type { TargetPatch } from './targetForms/drafts'

/** The endpoint's morning report when it is on. */
export const morningReportOf = (endpoint: EndpointView): MorningReportOption | null => morningReportOptionOf(endpoint.options)

/** The options with this morning report, or without one. */
export function withMorningReport<O extends Record<string, unknown>>(options: O, report: MorningReportOption | null): O {
  return withOption(options, 'morning_report', report)
}

/** The update with the morning report changed, when it was: on top of any other option change. */
export function withMorningReportPatch(endpoint: EndpointView, patch: TargetPatch, report: MorningReportOption | null): TargetPatch {
  return withOptionPatch(endpoint, patch, 'morning_report', report, morningReportOf(endpoint))
}
