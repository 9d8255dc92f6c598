// Discord: a channel's webhook URL, whether that channel is a forum, and what a report's
// closed/reopened does (a new message, an edit of the report's post, or both).
import { Select, Stack, Switch } from '@mantine/core'
import { REPORT_UPDATES, type ReportUpdates } from '../../../../../shared/endpointKinds'
import { REPORT_UPDATE_LABELS } from '../endpointSettings'
import type { DiscordDraft, FieldsProps } from './drafts'
import { errorFor } from './fieldErrors'
import { SecretUrlInput, Steps } from './SecretUrlInput'

export function DiscordFields({ value, onChange, mode, errors }: FieldsProps<DiscordDraft>) {
  return (
    <Stack gap="sm">
      <SecretUrlInput
        label="Webhook URL"
        hint={
          <>
            In Discord: <Steps steps={['Channel settings', 'Integrations', 'Webhooks', 'Copy Webhook URL']} />{' '}
            (https://discord.com/api/webhooks/…)
          </>
        }
        placeholder="https://discord.com/api/webhooks/…"
        value={value.url}
        onChange={(url) => onChange({ url })}
        mode={mode}
        error={errorFor(errors, 'url')}
      />
      <Switch
        label="Forum channel"
        description="The webhook posts into a forum: each new problem report opens a thread, and its follow-ups (log entries, closed, reopened) go into that thread."
        checked={value.forum}
        onChange={(e) => onChange({ forum: e.currentTarget.checked })}
      />
      <Select
        label="When a problem report is closed or reopened"
        description="Editing changes the report's first post to show its state (colour, “✅ Closed by Diana · 14:02”), so the channel shows each report's state at a glance."
        data={REPORT_UPDATES.map((value) => ({ value, label: REPORT_UPDATE_LABELS[value] }))}
        value={value.reportUpdates}
        onChange={(v) => v && onChange({ reportUpdates: v as ReportUpdates })}
        allowDeselect={false}
        data-testid="report-updates"
      />
    </Stack>
  )
}
