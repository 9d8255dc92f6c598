// An event's view as an endpoint's message customisation changes it: only the fields it
// lists, in its order (those the event has no value for left out), the body text only when
// `description` is listed, and its own title and summary. Each destination then lays out and
// limits the view exactly as it does today's, so its limits hold after templating.
import type { KnockerEvent } from '../../../../shared/events'
import type { EventTemplate, MessageField } from '../../../../shared/messageTemplates'
import { eventField } from '../eventFields'
import type { EventView, MessageSyntax } from '../eventView'
import { truncateChars } from '../../text/truncate'
import { renderTemplate } from './renderTemplate'

/** No title is longer, whatever its values (each destination cuts it further to its own limit). */
const TITLE_MAX_CHARS = 256

export function customiseView(view: EventView, event: KnockerEvent, s: MessageSyntax, template: EventTemplate): EventView {
  const custom = { ...view }
  if (template.fields) {
    // The schema checked each name against the event type's fields.
    const ids = template.fields as MessageField[]
    custom.fields = ids.flatMap((id) => (id === 'description' ? [] : (eventField(id, event, s) ?? [])))
    if (!template.fields.includes('description')) delete custom.description
  }
  // A template whose placeholders are all empty for this event leaves today's text.
  const title = template.title === undefined ? '' : renderTemplate(template.title, event, s.titleValue)
  if (title) custom.title = truncateChars(title, TITLE_MAX_CHARS)
  const summary = template.summary === undefined ? '' : renderTemplate(template.summary, event)
  if (summary) custom.summary = summary
  return custom
}
