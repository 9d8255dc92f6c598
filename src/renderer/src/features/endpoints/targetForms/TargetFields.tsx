// The target fields of one kind of endpoint.
import type { EndpointKind } from '../../../../../shared/endpointKinds'
import type { WebhookAuthType } from '../endpointSettings'
import { DiscordFields } from './DiscordFields'
import { EmailFields } from './EmailFields'
import { SlackFields } from './SlackFields'
import { TeamsFields } from './TeamsFields'
import { WebhookFields } from './WebhookFields'
import type { FieldErrors } from './fieldErrors'
import type { DiscordDraft, Drafts, EmailDraft, FormMode, UrlDraft, WebhookDraft } from './drafts'

export function TargetFields({
  kind,
  value,
  onChange,
  mode,
  errors,
  initialAuthType,
}: {
  kind: EndpointKind
  value: Drafts[EndpointKind]
  onChange: (patch: Partial<Drafts[EndpointKind]>) => void
  mode: FormMode
  errors?: FieldErrors
  initialAuthType?: WebhookAuthType
}) {
  switch (kind) {
    case 'discord':
      return <DiscordFields value={value as DiscordDraft} onChange={onChange} mode={mode} errors={errors} />
    case 'slack':
      return <SlackFields value={value as UrlDraft} onChange={onChange} mode={mode} errors={errors} />
    case 'teams':
      return <TeamsFields value={value as UrlDraft} onChange={onChange} mode={mode} errors={errors} />
    case 'email':
      return <EmailFields value={value as EmailDraft} onChange={onChange} mode={mode} errors={errors} />
    case 'webhook':
      return (
        <WebhookFields value={value as WebhookDraft} onChange={onChange} mode={mode} errors={errors} initialAuthType={initialAuthType} />
      )
  }
}
