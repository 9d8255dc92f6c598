// "What will the message look like?": a sample event (or the morning report) formatted by the
// endpoint's channel, exactly as the engine would, before anything is sent. The body holds no
// secret (the target is added at send time), so it is safe to show.
import type { Preview, PreviewEvent } from '../../../shared/contracts'
import { SAMPLE_SETTINGS, type EndpointKind } from '../../../shared/endpointKinds'
import { MORNING_REPORT_TYPE, type MorningReport } from '../../../shared/morningReport'
import { SAMPLE_EVENTS } from '../../../shared/samples'
import type { ChannelRegistry } from '../channels/registry'
import { formatContext } from '../delivery/formatContext'

export interface PreviewSource {
  kind: EndpointKind
  endpointId: string | null
  options: Record<string, unknown>
  settings: Record<string, unknown> | null
}

/** `morningReport`: the report as it would be built now (asked only for that preview). */
export function previewMessage(channels: ChannelRegistry, source: PreviewSource, eventType: PreviewEvent, now: number, morningReport: () => MorningReport): Preview {
  const settings = source.settings ?? SAMPLE_SETTINGS[source.kind]
  const endpointId = source.endpointId ?? 'preview'
  if (eventType === MORNING_REPORT_TYPE) {
    const report = morningReport()
    const eventId = `morning:${endpointId}:${report.date}`
    const ctx = formatContext({ event: null, test: false, options: source.options, settings, delivery: { id: 0, eventId, endpointId, createdAt: now } })
    const prepared = channels[source.kind].formatMorning(report, ctx)
    return { kind: source.kind, event: eventType, summary: prepared.summary, body: prepared.body }
  }
  const event = { ...SAMPLE_EVENTS[eventType], occurred_at: new Date(now).toISOString() }
  const ctx = formatContext({ event, test: false, options: source.options, settings, delivery: { id: 0, eventId: event.event_id, endpointId, createdAt: now } })
  const prepared = channels[source.kind].format(event, ctx)
  return { kind: source.kind, event: eventType, summary: prepared.summary, body: prepared.body }
}
