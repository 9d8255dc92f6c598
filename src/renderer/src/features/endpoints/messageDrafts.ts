// The endpoint form's message customisation (the `messages` option): read from an endpoint,
// put back into its options, and checked with the same schema the admin API uses, so a
// problem shows beside the field as the user types.
import type { EndpointView } from '../../../../shared/contracts'
import type { EventType } from '../../../../shared/events'
import { MessageTemplatesSchema, type EventTemplate, type MessageTemplates } from '../../../../shared/messageTemplates'
import { withOption, withOptionPatch } from './endpointOption'
import type { TargetPatch } from './targetForms/drafts'

/** No customisation is the option left out (today's messages). */
const customised = (messages: MessageTemplates) => (Object.keys(messages).length ? messages : null)

export function messagesOf(endpoint: Pick<EndpointView, 'options'>): MessageTemplates {
  const parsed = MessageTemplatesSchema.safeParse(endpoint.options.messages)
  return parsed.success ? parsed.data : {}
}

/** One event type's customisation with its empty parts left out (an empty title means the default). */
function tidy(template: EventTemplate): EventTemplate | null {
  const out: EventTemplate = {}
  if (template.fields) out.fields = template.fields
  if (template.title?.trim()) out.title = template.title
  if (template.summary?.trim()) out.summary = template.summary
  return Object.keys(out).length ? out : null
}

export function withEventTemplate(messages: MessageTemplates, type: EventType, template: EventTemplate): MessageTemplates {
  const { [type]: _dropped, ...rest } = messages
  const tidied = tidy(template)
  return tidied ? { ...rest, [type]: tidied } : rest
}

/** The options with this customisation, or without any (today's messages). */
export function withMessages<O extends Record<string, unknown>>(options: O, messages: MessageTemplates): O {
  return withOption(options, 'messages', customised(messages))
}

/** The update with the messages changed, when they were: on top of any other option change. */
export function withMessagesPatch(endpoint: EndpointView, patch: TargetPatch, messages: MessageTemplates): TargetPatch {
  return withOptionPatch(endpoint, patch, 'messages', customised(messages), customised(messagesOf(endpoint)))
}

/** Problems with the customisation, by path under options.messages ("problem_report.created.title"). */
export function messageErrors(messages: MessageTemplates): Record<string, string> {
  const parsed = MessageTemplatesSchema.safeParse(messages)
  if (parsed.success) return {}
  const errors: Record<string, string> = {}
  for (const issue of parsed.error.issues) errors[issue.path.map(String).join('.')] ??= issue.message
  return errors
}
