// Discord: a channel's webhook URL, and whether that channel is a forum.
import { Stack, Switch } from '@mantine/core'
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
    </Stack>
  )
}
