import { describe, expect, it } from 'vitest'
import { recogniseUrl } from '../../src/shared/recogniseUrl'

describe('recogniseUrl', () => {
  it.each([
    ['https://discord.com/api/webhooks/123/abc', 'discord'],
    ['https://discordapp.com/api/webhooks/123/abc', 'discord'],
    ['https://canary.discord.com/api/v10/webhooks/123/abc?thread_id=9', 'discord'],
    ['  https://hooks.slack.com/services/T0/B0/XYZ  ', 'slack'],
    ['https://hooks.slack.com/triggers/T0/1/abc', 'slack'],
    ['https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=x', 'teams'],
    ['https://default1234.56.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/x?sig=y', 'teams'],
    ['https://museum.webhook.office.com/webhookb2/abc', 'teams'],
    ['https://example.org/knocker', 'webhook'],
    ['http://192.168.1.20:8080/hook', 'webhook'],
    ['https://discord.com/channels/1/2', 'webhook'],
  ])('%s → %s', (url, kind) => {
    expect(recogniseUrl(url)).toBe(kind)
  })

  it.each(['', 'discord', 'ftp://discord.com/api/webhooks/1/a', 'javascript:alert(1)'])('%j is not a URL it knows', (text) => {
    expect(recogniseUrl(text)).toBeNull()
  })
})
