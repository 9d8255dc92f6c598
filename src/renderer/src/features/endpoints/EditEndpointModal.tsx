// "Edit endpoint": name, events and the kind's target fields. Only what the user changed is sent;
// a blank secret field keeps the stored secret (for email, changing only the port sends
// `smtp: {port}` and the core merges it into the stored SMTP settings).
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import { Button, Code, Divider, Group, Modal, Paper, SimpleGrid, Stack, Text, TextInput } from '@mantine/core'
import type { AdminInput, EndpointView } from '../../../../shared/contracts'
import type { EndpointKind } from '../../../../shared/endpointKinds'
import type { EventType } from '../../../../shared/events'
import { ApiErrorAlert } from '../../ApiErrorAlert'
import { KindBadge } from '../../KindBadge'
import { EventsField } from './EventsField'
import { FallbackField } from './FallbackField'
import { settingsDetails, webhookSettings } from './endpointSettings'
import { useUpdateEndpoint } from './endpointMutations'
import {
  draftFromEndpoint,
  fallbackOf,
  personDigestsOf,
  quietHoursOf,
  targetPatch,
  withFallbackPatch,
  withPersonDigestsPatch,
  withQuietHoursPatch,
  type Drafts,
} from './targetForms/drafts'
import { MessageField } from './MessageField'
import { messagesOf, withMessagesPatch } from './messageDrafts'
import { PersonDigestsField } from './PersonDigestsField'
import { QuietHoursField } from './QuietHoursField'
import { RoutingRulesField } from './RoutingRulesField'
import type { RoutingRule } from '../../../../shared/routingRules'
import { MorningReportControl } from './MorningReportControl'
import { MorningReportField } from './MorningReportField'
import { morningReportOf, withMorningReportPatch } from './morningReportOption'
import type { MorningReportOption } from '../../../../shared/morningReport'
import type { QuietHours } from '../../../../shared/quietHours'
import { TargetFields } from './targetForms/TargetFields'
import { errorFor, errorUnder, fieldErrors } from './targetForms/fieldErrors'

export function EditEndpointModal({ endpoint, onClose }: { endpoint: EndpointView | null; onClose: () => void }) {
  return (
    <Modal opened={endpoint !== null} onClose={onClose} title="Edit endpoint" size="xl" closeOnClickOutside={false}>
      {/* Mounted per opening, from the endpoint as it was then: the 5 s refetch doesn't reset typing. */}
      {endpoint && <EditForm endpoint={endpoint} onDone={onClose} />}
    </Modal>
  )
}

function sameEvents(a: EventType[], b: EventType[]) {
  return a.length === b.length && a.every((e) => b.includes(e))
}

function EditForm({ endpoint, onDone }: { endpoint: EndpointView; onDone: () => void }) {
  const update = useUpdateEndpoint()
  const initial = useMemo(() => draftFromEndpoint(endpoint), [endpoint])
  const [name, setName] = useState(endpoint.name)
  const [events, setEvents] = useState<EventType[]>(endpoint.events)
  const [draft, setDraft] = useState<Drafts[EndpointKind]>(initial)
  const [fallback, setFallback] = useState<string | null>(fallbackOf(endpoint))
  const [quiet, setQuiet] = useState<QuietHours | null>(quietHoursOf(endpoint))
  const [personDigests, setPersonDigests] = useState(personDigestsOf(endpoint))
  const [messages, setMessages] = useState(messagesOf(endpoint))
  const [rules, setRules] = useState<RoutingRule[]>(endpoint.rules)
  const [morning, setMorning] = useState<MorningReportOption | null>(morningReportOf(endpoint))
  const errors = fieldErrors(update.error)
  const alertRef = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (update.error) alertRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' })
  }, [update.error])

  const changes: AdminInput<'updateEndpoint'> = {
    id: endpoint.id,
    ...(name.trim() !== endpoint.name ? { name: name.trim() } : {}),
    ...(!sameEvents(events, endpoint.events) ? { events } : {}),
    ...(JSON.stringify(rules) !== JSON.stringify(endpoint.rules) ? { rules } : {}),
    ...withMorningReportPatch(
      endpoint,
      withMessagesPatch(
        endpoint,
        withPersonDigestsPatch(
          endpoint,
          withQuietHoursPatch(endpoint, withFallbackPatch(endpoint, targetPatch(endpoint, draft, initial), fallback), quiet),
          personDigests,
        ),
        messages,
      ),
      morning,
    ),
  }
  const changed = Object.keys(changes).length > 1

  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (!changed) return onDone()
    update.mutate(changes, { onSuccess: onDone })
  }

  const details = settingsDetails(endpoint)
  return (
    <form onSubmit={submit}>
      <Stack>
        <Paper withBorder p="sm" bg="var(--mantine-color-body)" aria-label="Current settings" component="section">
          <Group justify="space-between" mb="xs">
            <Text size="sm" fw={600}>
              Current settings
            </Text>
            <KindBadge kind={endpoint.kind} />
          </Group>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" verticalSpacing={6}>
            <div>
              <Text size="xs" c="dimmed">
                Target
              </Text>
              <Code>{endpoint.target || '—'}</Code>
            </div>
            {details.map(([label, value]) => (
              <div key={label}>
                <Text size="xs" c="dimmed">
                  {label}
                </Text>
                <Text size="sm" style={{ wordBreak: 'break-word' }}>
                  {value}
                </Text>
              </div>
            ))}
          </SimpleGrid>
        </Paper>

        <TextInput
          label="Name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
          data-autofocus
          error={errorFor(errors, 'name')}
        />

        <Divider label="Destination" labelPosition="left" />
        <Text size="xs" c="dimmed" mt={-8}>
          Secret fields start empty: leave them empty to keep what is stored.
        </Text>
        <TargetFields
          kind={endpoint.kind}
          value={draft}
          onChange={(patch) => setDraft((d) => ({ ...d, ...patch }) as Drafts[EndpointKind])}
          mode="edit"
          errors={errors}
          initialAuthType={endpoint.kind === 'webhook' ? webhookSettings(endpoint.settings).authType ?? 'none' : undefined}
        />

        <Divider />
        <EventsField value={events} onChange={setEvents} />
        <RoutingRulesField value={rules} onChange={setRules} events={events} />
        <FallbackField
          value={fallback}
          onChange={setFallback}
          excludeId={endpoint.id}
          error={errorFor(errors, 'options.fallback_endpoint_id')}
        />
        <PersonDigestsField value={personDigests} onChange={setPersonDigests} />
        <QuietHoursField value={quiet} onChange={setQuiet} kind={endpoint.kind} error={errorUnder(errors, 'options.quiet_hours')} />
        <MorningReportField value={morning} onChange={setMorning} error={errorUnder(errors, 'options.morning_report')} />
        <MorningReportControl endpoint={endpoint} />

        <Divider label="Message" labelPosition="left" />
        <MessageField
          endpointId={endpoint.id}
          kind={endpoint.kind}
          value={messages}
          onChange={setMessages}
          options={changes.options ?? endpoint.options}
          errors={errors}
        />

        <div ref={alertRef}>
          <ApiErrorAlert error={update.error} title="The endpoint was not changed" />
        </div>
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={update.isPending} disabled={!changed}>
            Save changes
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
