// The destination table: each kind described once, and everything that lists kinds follows it.
import { describe, expect, it } from 'vitest'
import { channels } from '../../src/main/core/channels/registry'
import { redactText } from '../../src/main/core/log/redact'
import { EndpointCreateSchema } from '../../src/shared/contracts'
import { ENDPOINT_KINDS, KIND_OPTIONS, SAMPLE_SETTINGS, SECRET_PATTERNS, TARGET_FIELDS } from '../../src/shared/endpointKinds'

describe('destination table', () => {
  it('every kind has a channel, a contract variant with its own fields and options, and preview settings', () => {
    expect(Object.keys(channels).sort()).toEqual([...ENDPOINT_KINDS].sort())
    for (const kind of ENDPOINT_KINDS) {
      expect(channels[kind].kind).toBe(kind)
      const variant = EndpointCreateSchema.options.find((o) => o.shape.kind.value === kind)!
      expect(Object.keys(variant.shape).sort()).toEqual(['enabled', 'events', 'kind', 'name', 'options', 'rules', ...Object.keys(TARGET_FIELDS[kind])].sort())
      expect(Object.keys(KIND_OPTIONS[kind].shape)).toContain('fallback_endpoint_id')
      expect(SAMPLE_SETTINGS[kind]).toBeTypeOf('object')
    }
    expect(EndpointCreateSchema.parse({ name: 'Desk', kind: 'discord', url: 'https://discord.com/api/webhooks/1/t', options: { forum: true } })).toMatchObject({
      options: { forum: true },
    })
    expect(() => EndpointCreateSchema.parse({ name: 'Desk', kind: 'slack', url: 'https://hooks.slack.com/services/T/B/x', options: { forum: true } })).toThrow()
  })

  it('the logger’s redaction covers every kind’s secret patterns', () => {
    const samples = [
      'https://discord.com/api/webhooks/123456/AbC_def-ghi',
      'https://hooks.slack.com/services/T0AB/B0CD/xyzSECRET123',
      'https://prod-1.westeurope.logic.azure.com/workflows/x/triggers/manual/paths/invoke?api-version=1&sig=AbCdEf',
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    ]
    for (const sample of samples) {
      const byTable = SECRET_PATTERNS.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), sample)
      expect(byTable).not.toBe(sample)
      expect(redactText(sample)).toBe(byTable)
    }
  })
})
