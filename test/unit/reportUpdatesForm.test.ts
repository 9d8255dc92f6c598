// The endpoint form's "when a problem report is closed or reopened" choice (Discord): what the
// API gets when creating and editing, and what the endpoints table says.
import { describe, expect, it } from 'vitest'
import type { EndpointView } from '../../src/shared/contracts'
import { settingsSummary } from '../../src/renderer/src/features/endpoints/endpointSettings'
import { morningReportOf, withMorningReport, withMorningReportPatch } from '../../src/renderer/src/features/endpoints/morningReportOption'
import { createInput, draftFromEndpoint, emptyDrafts, targetPatch, type DiscordDraft } from '../../src/renderer/src/features/endpoints/targetForms/drafts'

const common = { name: 'Reports', enabled: true, events: [] }
const endpoint = (options: Record<string, unknown>) => ({ kind: 'discord', options, settings: {}, target: 'discord.com …AbCd' }) as unknown as EndpointView

describe('report updates in the endpoint form', () => {
  it('creates with the choice; the default sends no option (as before)', () => {
    const drafts = emptyDrafts()
    expect(createInput('discord', drafts, common).options).toEqual({})
    drafts.discord = { ...drafts.discord, url: 'u', reportUpdates: 'edit' }
    expect(createInput('discord', drafts, common, 'ep_2').options).toEqual({ fallback_endpoint_id: 'ep_2', report_updates: 'edit' })
  })

  it('edits only what changed, keeping the other options', () => {
    const stored = endpoint({ forum: true, fallback_endpoint_id: 'ep_2', report_updates: 'edit' })
    const initial = draftFromEndpoint(stored) as DiscordDraft
    expect(initial).toMatchObject({ forum: true, reportUpdates: 'edit' })
    expect(targetPatch(stored, initial, initial)).toEqual({})
    expect(targetPatch(stored, { ...initial, reportUpdates: 'edit_and_post' }, initial).options).toEqual({ forum: true, fallback_endpoint_id: 'ep_2', report_updates: 'edit_and_post' })
    expect(targetPatch(stored, { ...initial, reportUpdates: 'post' }, initial).options).toEqual({ forum: true, fallback_endpoint_id: 'ep_2' })
  })

  it('the endpoints table says when reports edit their post', () => {
    expect(settingsSummary(endpoint({}))).toBeNull()
    expect(settingsSummary(endpoint({ report_updates: 'edit' }))).toBe('closed/reopened reports edit their post')
    expect(settingsSummary(endpoint({ forum: true, report_updates: 'edit_and_post' }))).toBe('Forum channel: a thread per problem · closed/reopened reports edit their post and post')
  })
})

describe('quiet hours in the endpoint form', () => {
  const quiet = { ranges: [{ days: ['mon' as const], start: '22:00', end: '07:00' }] }
  it('adds, changes and removes them on top of the other options', async () => {
    const { withQuietHours, withQuietHoursPatch, quietHoursOf } = await import('../../src/renderer/src/features/endpoints/targetForms/drafts')
    expect(withQuietHours({ forum: true }, quiet)).toEqual({ forum: true, quiet_hours: quiet })
    const stored = endpoint({ forum: true, quiet_hours: quiet })
    expect(quietHoursOf(stored)).toEqual(quiet)
    expect(withQuietHoursPatch(stored, {}, quiet)).toEqual({})
    expect(withQuietHoursPatch(stored, {}, null)).toEqual({ options: { forum: true } })
    const later = { ...quiet, ranges: [{ ...quiet.ranges[0], end: '08:00' }] }
    expect(withQuietHoursPatch(stored, {}, later)).toEqual({ options: { forum: true, quiet_hours: later } })
  })
})

describe('per-person digests in the endpoint form', () => {
  it('switches the option on top of the others', async () => {
    const { withPersonDigests, withPersonDigestsPatch } = await import('../../src/renderer/src/features/endpoints/targetForms/drafts')
    expect(withPersonDigests({ forum: true }, true)).toEqual({ forum: true, person_digests: true })
    const stored = endpoint({ forum: true, person_digests: true })
    expect(withPersonDigestsPatch(stored, {}, true)).toEqual({})
    expect(withPersonDigestsPatch(stored, {}, false)).toEqual({ options: { forum: true } })
  })
})

describe('the endpoints table line', () => {
  it('names the timing options after the kind’s own settings', () => {
    const quiet = { ranges: [{ days: ['mon'], start: '22:00', end: '07:00' }] }
    expect(settingsSummary(endpoint({ forum: true, person_digests: true, quiet_hours: quiet }))).toBe(
      'Forum channel: a thread per problem · one message per maintainer · quiet hours',
    )
    expect(settingsSummary({ ...endpoint({ quiet_hours: quiet }), kind: 'slack' })).toBe('quiet hours')
  })
})

describe('the morning report in the endpoint form', () => {
  const seven = { enabled: true, time: '07:00' }
  it('sends the option only when it changed, keeping the other options', () => {
    const stored = endpoint({ forum: true, morning_report: seven })
    expect(morningReportOf(stored)).toEqual(seven)
    expect(morningReportOf(endpoint({ morning_report: { enabled: false, time: '07:00' } }))).toBeNull()
    expect(withMorningReportPatch(stored, {}, seven)).toEqual({})
    expect(withMorningReportPatch(stored, {}, { enabled: true, time: '06:30' })).toEqual({ options: { forum: true, morning_report: { enabled: true, time: '06:30' } } })
    expect(withMorningReportPatch(stored, {}, null)).toEqual({ options: { forum: true } })
    expect(withMorningReport({ digests: false }, seven)).toEqual({ digests: false, morning_report: seven })
  })

  it('the endpoints table names its time', () => {
    expect(settingsSummary({ ...endpoint({ morning_report: seven }), kind: 'slack' })).toBe('morning report at 07:00')
    expect(settingsSummary({ ...endpoint({ morning_report: { enabled: false, time: '07:00' } }), kind: 'slack' })).toBeNull()
  })
})

describe('message customisation and the fallback in the endpoint form', () => {
  const title = { 'machine.created': { title: '{machine.name} arrived' } }
  it('sends the customisation only when it changed, and none at all once it is emptied', async () => {
    const { withMessagesPatch } = await import('../../src/renderer/src/features/endpoints/messageDrafts')
    const plain = endpoint({ forum: true })
    expect(withMessagesPatch(plain, {}, {})).toEqual({})
    expect(withMessagesPatch(plain, {}, title).options).toEqual({ forum: true, messages: title })
    const customised = endpoint({ forum: true, messages: title })
    expect(withMessagesPatch(customised, {}, title)).toEqual({})
    expect(withMessagesPatch(customised, {}, {}).options).toEqual({ forum: true })
  })

  it('sets, keeps and clears the fallback endpoint on top of another option change', async () => {
    const { withFallbackPatch, withQuietHoursPatch } = await import('../../src/renderer/src/features/endpoints/targetForms/drafts')
    const stored = endpoint({ fallback_endpoint_id: 'ep_2' })
    expect(withFallbackPatch(stored, {}, 'ep_2')).toEqual({})
    const quiet = { ranges: [{ days: ['sun' as const], start: '20:00', end: '09:00' }] }
    const both = withFallbackPatch(stored, withQuietHoursPatch(stored, {}, quiet), null)
    expect(both.options).toEqual({ quiet_hours: quiet })
  })
})
