// "Message": per event type, which fields the endpoint's messages show and in what order, and
// title/summary templates with {placeholders}, beside a live preview of the real message.
// Problems (an unknown placeholder …) show under the field as the user types; the admin API
// refuses them the same way on save.
import { useState } from 'react'
import { ActionIcon, Checkbox, Code, Group, Select, SimpleGrid, Spoiler, Stack, Switch, Text, TextInput } from '@mantine/core'
import type { EndpointKind } from '../../../../shared/endpointKinds'
import { EVENT_LABELS, EVENT_TYPES, type EventType } from '../../../../shared/events'
import { DEFAULT_FIELDS, FIELDS_BY_EVENT, MESSAGE_FIELDS, PLACEHOLDERS, type MessageField as FieldId, type MessageTemplates } from '../../../../shared/messageTemplates'
import { DraftPreview } from './DraftPreview'
import { messageErrors, withEventTemplate, withMessages } from './messageDrafts'
import { errorFor, type FieldErrors } from './targetForms/fieldErrors'

interface Props {
  /** The endpoint being edited, or null while adding one. */
  endpointId: string | null
  kind: EndpointKind
  value: MessageTemplates
  onChange: (messages: MessageTemplates) => void
  /** The endpoint's other options, as the preview should use them. */
  options: Record<string, unknown>
  errors: FieldErrors
}

/** The chosen fields in their order, then the others. */
function fieldRows(type: EventType, chosen: string[]): Array<{ id: FieldId; on: boolean }> {
  const all = FIELDS_BY_EVENT[type]
  return [...chosen.filter((id): id is FieldId => all.includes(id as FieldId)).map((id) => ({ id, on: true })), ...all.filter((id) => !chosen.includes(id)).map((id) => ({ id, on: false }))]
}

export function MessageField({ endpointId, kind, value, onChange, options, errors }: Props) {
  const [type, setType] = useState<EventType>('problem_report.created')
  const template = value[type] ?? {}
  const local = messageErrors(value)
  const errorOf = (part: string) => local[`${type}.${part}`] ?? errorFor(errors, `options.messages.${type}.${part}`)
  const fieldsError = Object.entries(local).find(([path]) => path.startsWith(`${type}.fields`))?.[1] ?? errorFor(errors, `options.messages.${type}.fields`)
  const set = (patch: Partial<typeof template>) => onChange(withEventTemplate(value, type, { ...template, ...patch }))
  const fields = template.fields
  const move = (index: number, by: -1 | 1) => {
    const next = [...fields!]
    ;[next[index], next[index + by]] = [next[index + by], next[index]]
    set({ fields: next })
  }

  return (
    <Stack gap="xs" aria-label="Message" component="section">
      <Text size="xs" c="dimmed">
        What this endpoint’s messages show, per event. Left as they are, messages stay exactly as Knocker sends them by default.
        {kind === 'webhook' && ' Webhooks send the event as it is: nothing here changes what they receive.'}
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Stack gap="xs">
          <Select
            label="Event"
            data={EVENT_TYPES.map((t) => ({ value: t, label: `${EVENT_LABELS[t]}${value[t] ? ' (customised)' : ''}` }))}
            value={type}
            onChange={(v) => v && setType(v as EventType)}
            allowDeselect={false}
            data-testid="message-event"
          />
          <Switch
            label="Choose the fields and their order"
            checked={fields !== undefined}
            onChange={(e) => set({ fields: e.currentTarget.checked ? [...DEFAULT_FIELDS[type]] : undefined })}
            data-testid="message-fields-switch"
          />
          {fields && (
            <Stack gap={4} data-testid="message-fields">
              {fieldRows(type, fields).map(({ id, on }, i) => (
                <Group key={id} gap="xs" wrap="nowrap">
                  <Checkbox
                    label={MESSAGE_FIELDS[id]}
                    checked={on}
                    onChange={(e) => set({ fields: e.currentTarget.checked ? [...fields, id] : fields.filter((f) => f !== id) })}
                    style={{ flex: 1 }}
                  />
                  {on && (
                    <>
                      <ActionIcon variant="subtle" size="sm" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move ${MESSAGE_FIELDS[id]} up`}>
                        ↑
                      </ActionIcon>
                      <ActionIcon variant="subtle" size="sm" disabled={i === fields.length - 1} onClick={() => move(i, 1)} aria-label={`Move ${MESSAGE_FIELDS[id]} down`}>
                        ↓
                      </ActionIcon>
                    </>
                  )}
                </Group>
              ))}
              {fieldsError && (
                <Text size="xs" c="red">
                  {fieldsError}
                </Text>
              )}
            </Stack>
          )}
          <TextInput
            label="Title"
            description="Empty: the usual “machine — what happened”"
            placeholder="{machine.display_name} — new problem ({problem_report.priority_label})"
            value={template.title ?? ''}
            onChange={(e) => set({ title: e.currentTarget.value })}
            error={errorOf('title')}
            data-testid="message-title"
          />
          <TextInput
            label="Summary"
            description="The one-line notification text (Slack and Teams notifications, email subject). Empty: the usual one"
            value={template.summary ?? ''}
            onChange={(e) => set({ summary: e.currentTarget.value })}
            error={errorOf('summary')}
            data-testid="message-summary"
          />
          <Spoiler maxHeight={40} showLabel="All placeholders" hideLabel="Fewer">
            <Text size="xs" c="dimmed">
              Placeholders for this event (values are inserted as plain text; {'{{'} and {'}}'} write a brace):{' '}
              {PLACEHOLDERS[type].map((p) => (
                <Code key={p} mr={4}>{`{${p}}`}</Code>
              ))}
            </Text>
          </Spoiler>
        </Stack>
        <DraftPreview endpointId={endpointId} kind={kind} event={type} options={withMessages(options, value)} invalid={Object.keys(local).length > 0} />
      </SimpleGrid>
    </Stack>
  )
}
