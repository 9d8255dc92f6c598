// "Add endpoint": pick a kind, fill in its target. Every secret (webhook URLs, passwords, tokens,
// header values) goes into a password field and is never shown again: the table only ever gets
// the redacted target and non-secret settings. A webhook's generated signing secret is handed
// to `onSecret`, to be shown once.
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { Button, Divider, Group, Modal, Radio, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core'
import type { AdminOutput } from '../../../../shared/contracts'
import { ENDPOINT_KINDS, KIND_LABELS, type EndpointKind } from '../../../../shared/endpointKinds'
import { EVENT_TYPES, type EventType } from '../../../../shared/events'
import { recogniseUrl } from '../../../../shared/recogniseUrl'
import { ApiErrorAlert } from '../../ApiErrorAlert'
import { KIND_COLORS, KindIcon } from '../../KindBadge'
import { EventsField } from './EventsField'
import { FallbackField } from './FallbackField'
import { QuietHoursField } from './QuietHoursField'
import { PersonDigestsField } from './PersonDigestsField'
import { RoutingRulesField } from './RoutingRulesField'
import type { RoutingRule } from '../../../../shared/routingRules'
import { MessageField } from './MessageField'
import { withMessages } from './messageDrafts'
import type { MessageTemplates } from '../../../../shared/messageTemplates'
import { MorningReportField } from './MorningReportField'
import { withMorningReport } from './morningReportOption'
import type { MorningReportOption } from '../../../../shared/morningReport'
import type { QuietHours } from '../../../../shared/quietHours'
import { useCreateEndpoint } from './endpointMutations'
import { createInput, emptyDrafts, withPersonDigests, withQuietHours, type Drafts } from './targetForms/drafts'
import classes from './KindPicker.module.css'
import { TargetFields } from './targetForms/TargetFields'
import { errorFor, errorUnder, fieldErrors } from './targetForms/fieldErrors'

const KIND_BLURBS: Record<EndpointKind, string> = {
  discord: 'Channel or forum webhook',
  slack: 'Incoming webhook',
  teams: 'Workflows webhook',
  email: 'Through an SMTP server',
  webhook: 'Your own HTTPS receiver',
}

type Created = AdminOutput<'createEndpoint'>

export function AddEndpointModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean
  onClose: () => void
  onCreated?: (endpoint: Created) => void
}) {
  const [dirty, setDirty] = useState(false)
  const close = () => {
    setDirty(false)
    onClose()
  }
  return (
    <Modal
      opened={opened}
      onClose={close}
      title="Add endpoint"
      size="xl"
      // Typed secrets shouldn't be lost to a stray click next to the dialog.
      closeOnClickOutside={!dirty}
    >
      {/* Mounted only while open: every opening starts from an empty form. */}
      <AddEndpointForm
        onDirty={setDirty}
        onCancel={close}
        onCreated={(endpoint) => {
          close()
          onCreated?.(endpoint)
        }}
      />
    </Modal>
  )
}

function AddEndpointForm({
  onDirty,
  onCancel,
  onCreated,
}: {
  onDirty: (dirty: boolean) => void
  onCancel: () => void
  onCreated: (endpoint: Created) => void
}) {
  const create = useCreateEndpoint()
  const [name, setName] = useState('')
  const [kind, setKind] = useState<EndpointKind>('discord')
  const [drafts, setDrafts] = useState<Drafts>(emptyDrafts)
  const [events, setEvents] = useState<EventType[]>([...EVENT_TYPES])
  const [enabled, setEnabled] = useState(true)
  const [fallback, setFallback] = useState<string | null>(null)
  const [quiet, setQuiet] = useState<QuietHours | null>(null)
  const [personDigests, setPersonDigests] = useState(false)
  const [rules, setRules] = useState<RoutingRule[]>([])
  const [morning, setMorning] = useState<MorningReportOption | null>(null)
  const [messages, setMessages] = useState<MessageTemplates>({})
  const errors = fieldErrors(create.error)
  const alertRef = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (create.error) alertRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' })
  }, [create.error])

  const [recognised, setRecognised] = useState<EndpointKind | null>(null)
  const patchDraft = (patch: Partial<Drafts[EndpointKind]>) => {
    onDirty(true)
    // A Discord, Slack or Teams URL pasted under another kind: switch to the kind it belongs to.
    const url = 'url' in patch && typeof patch.url === 'string' ? patch.url : null
    const pasted = url ? recogniseUrl(url) : null
    if (url && pasted && pasted !== kind && pasted !== 'webhook') {
      setDrafts((d) => ({ ...d, [pasted]: { ...d[pasted], url } }))
      setKind(pasted)
      setRecognised(pasted)
      return
    }
    setDrafts((d) => ({ ...d, [kind]: { ...d[kind], ...patch } }))
  }

  const input = createInput(kind, drafts, { name, enabled, events }, fallback)
  const options = withMessages(withMorningReport(withPersonDigests(withQuietHours(input.options ?? {}, quiet), personDigests), morning), messages)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    create.mutate({ ...input, options, rules } as typeof input, { onSuccess: onCreated })
  }

  return (
    <form onSubmit={submit}>
      <Stack>
        <TextInput
          label="Name"
          placeholder="Workshop channel"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
          data-autofocus
          error={errorFor(errors, 'name')}
        />
        <Radio.Group
          label="Kind"
          description="Or just paste the URL below: a Discord, Slack or Teams webhook URL picks its kind."
          value={kind}
          onChange={(v) => {
            setKind(v as EndpointKind)
            setRecognised(null)
          }}
        >
          <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="xs" mt={4}>
            {ENDPOINT_KINDS.map((k) => (
              <Radio.Card key={k} value={k} p="xs" radius="md" aria-label={KIND_LABELS[k]} className={classes.card}>
                <Group gap="xs" wrap="nowrap" align="flex-start">
                  <Text c={k === kind ? KIND_COLORS[k] : 'dimmed'} lh={0} mt={2} component="span">
                    <KindIcon kind={k} size={20} />
                  </Text>
                  <div>
                    <Text size="sm" fw={600} lh={1.3}>
                      {KIND_LABELS[k]}
                    </Text>
                    <Text size="xs" c="dimmed" lh={1.3}>
                      {KIND_BLURBS[k]}
                    </Text>
                  </div>
                </Group>
              </Radio.Card>
            ))}
          </SimpleGrid>
        </Radio.Group>

        {/* Always there (empty until a URL is recognised), so the switch of kind is announced. */}
        <div role="status">
          {recognised && (
            <Text size="sm" c="teal">
              ✓ That is a {KIND_LABELS[recognised]} URL: the kind is now {KIND_LABELS[recognised]}.
            </Text>
          )}
        </div>
        <TargetFields kind={kind} value={drafts[kind]} onChange={patchDraft} mode="create" errors={errors} />

        <EventsField value={events} onChange={setEvents} />
        <RoutingRulesField value={rules} onChange={setRules} events={events} />
        <FallbackField value={fallback} onChange={setFallback} error={errorFor(errors, 'options.fallback_endpoint_id')} />
        <PersonDigestsField value={personDigests} onChange={setPersonDigests} />
        <QuietHoursField value={quiet} onChange={setQuiet} kind={kind} error={errorUnder(errors, 'options.quiet_hours')} />
        <MorningReportField value={morning} onChange={setMorning} error={errorUnder(errors, 'options.morning_report')} />
        <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />

        <Divider label="Message" labelPosition="left" />
        <MessageField endpointId={null} kind={kind} value={messages} onChange={setMessages} options={options} errors={errors} />

        <div ref={alertRef}>
          <ApiErrorAlert error={create.error} title="The endpoint was not added" />
        </div>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Add endpoint
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
