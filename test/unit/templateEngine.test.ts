// Message templates: their syntax (plain placeholders, nothing evaluated), the placeholders
// each event type offers (from the event contract), the checks a save runs, and substitution.
import { describe, expect, it } from 'vitest'
import { placeholderValue, renderTemplate } from '../../src/main/core/channels/templates/renderTemplate'
import { KIND_OPTIONS } from '../../src/shared/endpointKinds'
import { EVENT_TYPES } from '../../src/shared/events'
import { eventTemplateOf, FIELDS_BY_EVENT, DEFAULT_FIELDS, MessageTemplatesSchema, PLACEHOLDERS } from '../../src/shared/messageTemplates'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import { parseTemplate, placeholdersOf } from '../../src/shared/templateSyntax'

const created = SAMPLE_EVENTS['problem_report.created']

describe('template syntax', () => {
  it('splits literal text and placeholders; {{ and }} are literal braces', () => {
    expect(parseTemplate('{{x}} {machine.name}!')).toEqual({ ok: true, parts: [{ text: '{x} ' }, { placeholder: 'machine.name' }, { text: '!' }] })
    expect(placeholdersOf('{ machine.name } and {problem_report.id}')).toEqual(['machine.name', 'problem_report.id'])
  })

  it.each([
    ['{machine.name', 'never closed'],
    ['machine.name}', 'closes nothing'],
    ['{machine.name | upper}', 'no expressions'],
    ['{machine.name + 1}', 'no expressions'],
    ['{constructor()}', 'no expressions'],
    ['{}', 'no expressions'],
    ['{Machine.Name}', 'no expressions'],
  ])('refuses %s', (template, reason) => {
    const parsed = parseTemplate(template)
    expect(parsed.ok).toBe(false)
    expect(!parsed.ok && parsed.error).toContain(reason)
  })
})

describe('placeholders, from the event contract', () => {
  it("offer each event type's own payload, and only what that type carries", () => {
    expect(PLACEHOLDERS['problem_report.created']).toEqual(expect.arrayContaining(['machine.short_name', 'problem_report.priority_label', 'machine.location.name', 'machine.display_name']))
    expect(PLACEHOLDERS['machine.created']).not.toContain('problem_report.priority_label')
    expect(PLACEHOLDERS['machine.status_changed']).toEqual(expect.arrayContaining(['change.to_label', 'log_entry.text']))
    expect(PLACEHOLDERS['log_entry.created']).not.toContain('log_entry.maintainers')
    for (const type of EVENT_TYPES) expect(PLACEHOLDERS[type]).not.toContain('schema')
  })

  it("every placeholder has a value in its event type's sample, or is a documented optional one", () => {
    for (const type of EVENT_TYPES) {
      const filled = PLACEHOLDERS[type].filter((p) => placeholderValue(SAMPLE_EVENTS[type], p) !== '')
      expect(filled.length, type).toBeGreaterThan(PLACEHOLDERS[type].length / 2)
    }
  })
})

describe('the messages option, checked at save', () => {
  it('accepts fields, titles and summaries per event type', () => {
    const messages = {
      'problem_report.created': { fields: ['priority', 'location'], title: '{machine.display_name}: {problem_report.priority_label}', summary: '#{problem_report.id}' },
      'machine.status_changed': { title: '{change.from_label} → {change.to_label}' },
    }
    expect(MessageTemplatesSchema.parse(messages)).toEqual(messages)
    for (const kind of Object.keys(KIND_OPTIONS) as Array<keyof typeof KIND_OPTIONS>) {
      expect(KIND_OPTIONS[kind].safeParse({ messages }).success, kind).toBe(true)
    }
  })

  it('refuses an unknown placeholder, naming it and listing the valid ones, at its path', () => {
    const result = MessageTemplatesSchema.safeParse({ 'machine.created': { title: 'x {problem_report.priority_label}' } })
    expect(result.success).toBe(false)
    const issue = result.error!.issues[0]
    expect(issue.path).toEqual(['machine.created', 'title'])
    expect(issue.message).toContain('unknown placeholder {problem_report.priority_label} for machine.created')
    expect(issue.message).toContain('{machine.short_name}')
  })

  it.each([
    [{ 'problem_report.created': { fields: ['work_date'] } }, 'unknown field "work_date"', ['problem_report.created', 'fields', 0]],
    [{ 'problem_report.created': { fields: ['location', 'location'] } }, 'listed twice', ['problem_report.created', 'fields', 1]],
    [{ 'problem_report.created': { title: '{machine.name' } }, 'never closed', ['problem_report.created', 'title']],
    [{ 'problem_report.created': { summary: '   ' } }, 'cannot be empty', ['problem_report.created', 'summary']],
    [{ 'problem_report.created': { color: 'red' } }, 'Unrecognized key', ['problem_report.created']],
    [{ 'problem.created': {} }, 'Unrecognized key', []],
    [{ 'problem_report.created': { title: 'x'.repeat(301) } }, 'at most 300', ['problem_report.created', 'title']],
  ])('refuses %j', (messages, message, path) => {
    const result = MessageTemplatesSchema.safeParse(messages)
    expect(result.success).toBe(false)
    expect(result.error!.issues[0].message).toContain(message)
    expect(result.error!.issues[0].path).toEqual(path)
  })

  it("today's fields are among each event type's fields", () => {
    for (const type of EVENT_TYPES) for (const f of DEFAULT_FIELDS[type]) expect(FIELDS_BY_EVENT[type]).toContain(f)
  })

  it('an endpoint without the option, or with an invalid one, keeps today’s message', () => {
    expect(eventTemplateOf({}, 'problem_report.created')).toBeNull()
    expect(eventTemplateOf({ messages: { 'problem_report.created': { title: '{nope}' } } }, 'problem_report.created')).toBeNull()
    expect(eventTemplateOf({ messages: { 'machine.created': { title: 'x' } } }, 'problem_report.created')).toBeNull()
    expect(eventTemplateOf({ messages: { 'machine.created': { title: 'x' } } }, 'machine.created')).toEqual({ title: 'x' })
  })
})

describe('substitution', () => {
  it('fills in values by path, on one line; absent values are empty', () => {
    expect(renderTemplate('{machine.display_name} #{problem_report.id} ({problem_report.priority_label})', created)).toBe('Eight Ball Deluxe #412 (Untriaged)')
    expect(renderTemplate('[{actor.display_name}]', created)).toBe('[]')
    expect(renderTemplate('{{literal}} {machine.asset_id}', created)).toBe('{literal} M0023')
    const multiline = structuredClone(created)
    multiline.problem_report!.description = 'a\n\nb\u202e\u0000c'
    expect(renderTemplate('{problem_report.description}', multiline)).toBe('a bc')
  })

  it('evaluates nothing and never reaches a prototype', () => {
    expect(placeholderValue(created, 'constructor')).toBe('')
    expect(placeholderValue(created, 'machine.constructor.name')).toBe('')
    expect(placeholderValue(created, '__proto__')).toBe('')
    expect(placeholderValue(created, 'machine')).toBe('')
    expect(renderTemplate('{machine.name | upper}', created)).toBe('{machine.name | upper}')
  })

  it('numbers and yes/no for flags; the destination escapes each value, not the literal text', () => {
    const closed = SAMPLE_EVENTS['problem_report.closed']
    expect(renderTemplate('{actor.is_shared_account} {problem_report.id}', closed)).toBe('no 412')
    const starred = { ...created, machine: { ...created.machine, short_name: '*star*' } }
    expect(renderTemplate('**{machine.short_name}**', starred, (v) => v.replace(/\*/g, '\\*'))).toBe('**\\*star\\***')
  })
})
