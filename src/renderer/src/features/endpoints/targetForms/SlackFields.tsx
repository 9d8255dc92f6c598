// Slack: an incoming webhook URL of a Slack app.
import type { FieldsProps, UrlDraft } from './drafts'
import { errorFor } from './fieldErrors'
import { SecretUrlInput, Steps } from './SecretUrlInput'

export function SlackFields({ value, onChange, mode, errors }: FieldsProps<UrlDraft>) {
  return (
    <SecretUrlInput
      label="Webhook URL"
      hint={
        <>
          At <Steps steps={['api.slack.com/apps', 'your app', 'Incoming Webhooks', 'Add New Webhook to Workspace']} />{' '}
          → pick the channel and copy the URL (https://hooks.slack.com/services/…)
        </>
      }
      placeholder="https://hooks.slack.com/services/…"
      value={value.url}
      onChange={(url) => onChange({ url })}
      mode={mode}
      error={errorFor(errors, 'url')}
    />
  )
}
