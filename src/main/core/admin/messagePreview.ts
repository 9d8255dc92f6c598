// "What will the message look like?": a sample event formatted by the endpoint's channel, exactly
// as the engine would, before anything is sent. The body holds no secret (the target is added
// at send time), so it is safe to show.
import type { Preview } from '../../../shared/contracts'
import { SAMPLE_SETTINGS, type EndpointKind } from '../../../shared/endpointKinds'
import type { EventType } from '../../../shared/events'
import { SAMPLE_EVENTS } from '../../../shared/samples'
import type { ChannelRegistry } from '../channels/registry'
import { formatContext } from '../delivery/formatContext'

export interface PreviewSource {
  kind: EndpointKind
  endpointId: string | null
  options: Record<string, unknown>
  settings: Record<string, unknown> | null
}

export function previewMessage(channels: ChannelRegistry, source: PreviewSource, eventType: EventType, now: number): Preview {
  const event = { ...SAMPLE_EVENTS[eventType], occurred_at: new Date(now).toISOString() }
  const ctx = formatContext({
    event,
    test: false,
    options: source.options,
    settings: source.settings ?? SAMPLE_SETTINGS[source.kind],
    delivery: { id: 0, eventId: event.event_id, endpointId: source.endpointId ?? 'preview', createdAt: now },
  })
  const prepared = channels[source.kind].format(event, ctx)
  return { kind: source.kind, event: eventType, summary: prepared.summary, body: prepared.body }
}
