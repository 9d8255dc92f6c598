// What a notification about each event says, independent of the destination: the title
// part, link, colour, fields and text. Each channel renders it in its own syntax (Discord
// Markdown, Slack mrkdwn, Adaptive Card text, HTML email) through a MessageSyntax.
import { machineDisplayName, type KnockerEvent, type Machine } from '../../../shared/events'
import { DEFAULT_FIELDS, eventTemplateOf } from '../../../shared/messageTemplates'
import { oneLine, stripControls } from '../text/cleanText'
import { renderLinkMarkup } from '../text/linkMarkup'
import { truncateChars, truncateWords } from '../text/truncate'
import { actorName, eventField, maintainersOf } from './eventFields'
import { customiseView } from './templates/customiseView'

export { actorName } from './eventFields'

export interface MessageSyntax {
  /** Make a name inert: it must not restyle, link or mention anything. */
  escape(text: string): string
  /** Make free text (report descriptions, log texts: Markdown) safe for the destination
   * while keeping its formatting, before links are rendered. Default: as is. */
  escapeText?(text: string): string
  /** A link with a label. */
  link(label: string, url: string): string
  /** A date (the work date of a log entry). */
  date(iso: string): string
  /** Longest field value the destination takes (lists are shortened to fit). */
  maxFieldChars: number
  /** A placeholder's value in a title template, where the destination styles titles
   * (Discord). Default: as is (plain-text titles, escaped whole where they are placed). */
  titleValue?(text: string): string
}

export const COLORS = {
  reportCreated: 0xe74c3c,
  reportClosed: 0x2ecc71,
  reportReopened: 0xe67e22,
  logEntry: 0x3498db,
  machineCreated: 0x9b59b6,
  locationChanged: 0x1abc9c,
  status: { good: 0x2ecc71, fixing: 0xf1c40f, broken: 0xe74c3c, unknown: 0x95a5a6 },
} as const

/** Coarse mood of the event, for destinations with a fixed palette (Adaptive Cards). */
export type Tone = 'bad' | 'good' | 'warning' | 'info'

export interface ViewField {
  name: string
  value: string
  /** Short enough to sit beside others. */
  inline: boolean
}

export interface EventView {
  /** "New problem report", "Status: Good → Broken" */
  what: string
  /** The endpoint's own title (its template rendered), replacing "machine — what". */
  title?: string
  /** Plain one-line summary for history lists and notification previews. */
  summary: string
  /** The record this is about (report, log entry or machine page). */
  url: string
  color: number
  tone: Tone
  /** Report or log text, links rendered, cut at ~200 words. */
  description?: string
  fields: ViewField[]
}

export const TEST_NOTICE = '🧪 TEST — sent from Knocker to check this channel; nothing happened at the museum.'
export const TEST_TITLE_PREFIX = '[TEST] '

const DESCRIPTION_MAX_WORDS = 200
const DESCRIPTION_MAX_CHARS = 3000
const SUMMARY_MAX_CHARS = 200

/** Report/log text: made inert, host-app links made absolute, cut at ~200 words. */
function bodyText(event: KnockerEvent, text: string, s: MessageSyntax): string {
  const clean = stripControls(text)
  const linked = renderLinkMarkup(s.escapeText ? s.escapeText(clean) : clean, {
    siteUrl: event.site_url,
    link: s.link,
    machineNames: { [event.machine.slug]: machineDisplayName(event.machine) },
  })
  return truncateWords(linked.trim(), DESCRIPTION_MAX_WORDS, DESCRIPTION_MAX_CHARS)
}

function changeLabel(label: string | null | undefined, value: string | null, field: string): string {
  const text = oneLine(label ?? value ?? '')
  if (text) return text
  return field === 'location' ? 'No Location' : 'None'
}

/**
 * The per-event parts of the message (the envelope — title, footer, timestamp — is the
 * channel's), as the endpoint's options customise them (`messages`: fields, title, summary);
 * without a customisation, today's message.
 */
export function describeEvent(event: KnockerEvent, s: MessageSyntax, options: Record<string, unknown> = {}): EventView {
  const view = defaultView(event, s)
  const template = options.messages === undefined ? null : eventTemplateOf(options, event.event)
  return template ? customiseView(view, event, s, template) : view
}

/** Today's fields, the ones the event has values for. Every visitor report is untriaged;
 * saying so on each one is noise. */
function defaultFields(event: KnockerEvent, s: MessageSyntax): ViewField[] {
  const triaged = event.problem_report?.priority !== 'untriaged'
  return DEFAULT_FIELDS[event.event].flatMap((id) =>
    id === 'description' || (id === 'priority' && !triaged) ? [] : (eventField(id, event, s) ?? []),
  )
}

function defaultView(event: KnockerEvent, s: MessageSyntax): EventView {
  const name = machineDisplayName(event.machine)
  const bodyOf = (text: string) => bodyText(event, text, s)
  switch (event.event) {
    case 'problem_report.created': {
      const report = event.problem_report
      return {
        what: 'New problem report',
        summary: `${name}: new problem report #${report.id}`,
        url: report.url,
        color: COLORS.reportCreated,
        tone: 'bad',
        description: bodyOf(report.description),
        fields: defaultFields(event, s),
      }
    }
    case 'problem_report.closed':
    case 'problem_report.reopened': {
      const report = event.problem_report
      const closed = event.event === 'problem_report.closed'
      return {
        what: closed ? 'Problem report closed' : 'Problem report reopened',
        summary: `${name}: problem report #${report.id} ${closed ? 'closed' : 'reopened'} by ${actorName(event)}`,
        url: report.url,
        color: closed ? COLORS.reportClosed : COLORS.reportReopened,
        tone: closed ? 'good' : 'warning',
        description: bodyOf(report.description),
        fields: defaultFields(event, s),
      }
    }
    case 'log_entry.created': {
      const log = event.log_entry
      const maintainers = maintainersOf(log)
      return {
        what: 'Work logged',
        summary: `${name}: log entry #${log.id}${maintainers.length ? ` by ${maintainers.join(', ')}` : ''}`,
        url: log.url,
        color: COLORS.logEntry,
        tone: 'info',
        description: bodyOf(log.text),
        fields: defaultFields(event, s),
      }
    }
    case 'machine.created':
      return {
        what: 'New machine added',
        summary: `${name}: new machine added`,
        url: event.machine.url,
        color: COLORS.machineCreated,
        tone: 'info',
        description: manualLogText(event, s),
        fields: defaultFields(event, s),
      }
    case 'machine.status_changed': {
      const { change } = event
      const from = changeLabel(change.from_label, change.from, change.field)
      const to = changeLabel(change.to_label, change.to, change.field)
      return {
        what: `Status: ${from} → ${to}`,
        summary: `${name}: status ${from} → ${to}`,
        url: event.machine.url,
        color: statusColor(change.to, event.machine),
        tone: statusTone(change.to, event.machine),
        description: manualLogText(event, s),
        fields: defaultFields(event, s),
      }
    }
    case 'machine.location_changed': {
      const { change } = event
      const from = changeLabel(change.from_label, change.from, 'location')
      const to = changeLabel(change.to_label, change.to, 'location')
      return {
        what: `Location: ${from} → ${to}`,
        summary: `${name}: location ${from} → ${to}`,
        url: event.machine.url,
        color: COLORS.locationChanged,
        tone: 'info',
        description: manualLogText(event, s),
        fields: defaultFields(event, s),
      }
    }
  }
}

/** A log entry a person wrote alongside a machine change; auto texts repeat the title. */
function manualLogText(event: KnockerEvent, s: MessageSyntax): string | undefined {
  const log = event.log_entry
  return log && !log.auto_generated ? bodyText(event, log.text, s) : undefined
}

function statusColor(to: string | null, machine: Machine): number {
  const status = to && Object.hasOwn(COLORS.status, to) ? to : machine.operational_status
  return COLORS.status[status as keyof typeof COLORS.status]
}


function statusTone(to: string | null, machine: Machine): Tone {
  const status = to ?? machine.operational_status
  return status === 'good' ? 'good' : status === 'broken' ? 'bad' : status === 'fixing' ? 'warning' : 'info'
}

/** Summary for history lists, cut to a sane length. */
export function viewSummary(view: EventView, test: boolean): string {
  return truncateChars(oneLine(`${test ? 'TEST · ' : ''}${view.summary}`), SUMMARY_MAX_CHARS)
}
