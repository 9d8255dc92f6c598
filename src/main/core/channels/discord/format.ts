// KnockerEvent → one Discord embed. What each event shows follows the host app's
// "message shows" table; limits are enforced last by fitEmbed.
import type { APIEmbed, APIEmbedField, RESTPostAPIWebhookWithTokenJSONBody } from 'discord-api-types/v10'
import { machineDisplayName, type KnockerEvent, type LogEntry, type Machine } from '../../../../shared/events'
import {
  neutralizeDiscordMentions,
  oneLine,
  renderLinkMarkup,
  truncateChars,
  truncateWords,
} from '../../text/markdownLinks'
import type { FormatContext, PreparedRequest } from '../types'
import { EMBED_LIMITS, fitEmbed } from './limits'

export const TEST_NOTICE = '🧪 TEST — sent from Knocker to check this channel; nothing happened at the museum.'
export const TEST_TITLE_PREFIX = '[TEST] '

export const COLORS = {
  reportCreated: 0xe74c3c,
  reportClosed: 0x2ecc71,
  reportReopened: 0xe67e22,
  logEntry: 0x3498db,
  machineCreated: 0x9b59b6,
  locationChanged: 0x1abc9c,
  status: { good: 0x2ecc71, fixing: 0xf1c40f, broken: 0xe74c3c, unknown: 0x95a5a6 },
} as const

const DESCRIPTION_MAX_WORDS = 200
const DESCRIPTION_MAX_CHARS = 3000
const SUMMARY_MAX_CHARS = 200
const DAY_MS = 24 * 60 * 60 * 1000

/** Escape the Markdown that would restyle a name or turn it into a link. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\*_~`|[\]]/g, '\\$&')
}

/** A person's or place's name as a safe, one-line field value. */
function plainName(text: string): string {
  return escapeMarkdown(oneLine(text))
}

function maskedLink(label: string, url: string): string {
  return `[${escapeMarkdown(oneLine(label))}](${url.replace(/\)/g, '%29')})`
}

/** Report/log text: host-app links made absolute, cut at ~200 words. */
function bodyText(event: KnockerEvent, text: string): string {
  const linked = renderLinkMarkup(text, {
    siteUrl: event.site_url,
    link: maskedLink,
    machineNames: { [event.machine.slug]: machineDisplayName(event.machine) },
  })
  return truncateWords(linked.trim(), DESCRIPTION_MAX_WORDS, DESCRIPTION_MAX_CHARS)
}

function field(name: string, value: string, inline = true): APIEmbedField {
  return { name, value, inline }
}

function actorName(event: KnockerEvent): string {
  const actor = event.actor
  return oneLine(actor?.display_name || actor?.username || '') || 'Someone'
}

function reporterName(event: KnockerEvent): string {
  const reporter = event.problem_report?.reporter
  return oneLine(reporter?.display || reporter?.username || '') || 'Anonymous'
}

function locationName(machine: Machine): string {
  return machine.location?.name ? oneLine(machine.location.name) : 'No Location'
}

/** "a, b, c and 12 more" within maxChars, so a long list never loses its end mid-name. */
function listWithin(names: string[], maxChars: number): string {
  for (let shown = names.length; shown > 0; shown -= 1) {
    const rest = names.length - shown
    const text = names.slice(0, shown).join(', ') + (rest ? ` and ${rest} more` : '')
    if (text.length <= maxChars) return text
  }
  return truncateChars(names.join(', '), maxChars)
}

function maintainersOf(log: LogEntry): string[] {
  const names = log.maintainers.map((m) => oneLine(m.display_name || m.username)).filter(Boolean)
  const free = oneLine(log.maintainer_names)
  if (free) names.push(free)
  return names
}

function hoursText(hours: number): string {
  const minutes = Math.round(hours * 60)
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ') || '0 min'
}

/** Discord renders <t:…> in each reader's own time zone. */
function discordDate(iso: string): string {
  return `<t:${Math.floor(Date.parse(iso) / 1000)}:D>`
}

function workDate(log: LogEntry, eventAt: string): string {
  const date = discordDate(log.occurred_at)
  const backdated = Date.parse(eventAt) - Date.parse(log.occurred_at) > DAY_MS
  return backdated ? `${date} (backdated; logged ${discordDate(eventAt)})` : date
}

function changeLabel(label: string | null | undefined, value: string | null, field: string): string {
  const text = oneLine(label ?? value ?? '')
  if (text) return text
  return field === 'location' ? 'No Location' : 'None'
}

interface EventView {
  what: string
  summary: string
  url: string
  color: number
  description?: string
  fields: APIEmbedField[]
}

/** The per-event parts of the message (the envelope — title, footer, timestamp — is shared). */
function describe(event: KnockerEvent): EventView {
  const name = machineDisplayName(event.machine)
  switch (event.event) {
    case 'problem_report.created': {
      const report = event.problem_report
      const fields = [
        field('Location', plainName(locationName(event.machine))),
        field('Problem type', plainName(report.problem_type_label || report.problem_type)),
      ]
      // Every visitor report is untriaged; saying so on each one is noise.
      if (report.priority !== 'untriaged') fields.push(field('Priority', plainName(report.priority_label)))
      fields.push(field('Reported by', plainName(reporterName(event))))
      return {
        what: 'New problem report',
        summary: `${name}: new problem report #${report.id}`,
        url: report.url,
        color: COLORS.reportCreated,
        description: bodyText(event, report.description),
        fields,
      }
    }
    case 'problem_report.closed':
    case 'problem_report.reopened': {
      const report = event.problem_report
      const closed = event.event === 'problem_report.closed'
      const fields = [field('Problem type', plainName(report.problem_type_label || report.problem_type))]
      if (!closed && report.priority !== 'untriaged') fields.push(field('Priority', plainName(report.priority_label)))
      fields.push(field(closed ? 'Closed by' : 'Reopened by', plainName(actorName(event))))
      return {
        what: closed ? 'Problem report closed' : 'Problem report reopened',
        summary: `${name}: problem report #${report.id} ${closed ? 'closed' : 'reopened'} by ${actorName(event)}`,
        url: report.url,
        color: closed ? COLORS.reportClosed : COLORS.reportReopened,
        description: bodyText(event, report.description),
        fields,
      }
    }
    case 'log_entry.created': {
      const log = event.log_entry
      const maintainers = maintainersOf(log)
      const who = maintainers.map(plainName)
      const fields = [
        who.length
          ? field(who.length === 1 ? 'Maintainer' : 'Maintainers', listWithin(who, EMBED_LIMITS.fieldValue))
          : field('Logged by', plainName(actorName(event))),
        field('Work date', workDate(log, event.occurred_at)),
      ]
      if (log.time_spent_hours) fields.push(field('Time spent', hoursText(log.time_spent_hours)))
      if (log.problem_report) {
        const pr = log.problem_report
        fields.push(field('Problem report', `${maskedLink(`Problem #${pr.id}`, pr.url)} (${pr.status})`))
      }
      return {
        what: 'Work logged',
        summary: `${name}: log entry #${log.id}${maintainers.length ? ` by ${maintainers.join(', ')}` : ''}`,
        url: log.url,
        color: COLORS.logEntry,
        description: bodyText(event, log.text),
        fields,
      }
    }
    case 'machine.created':
      return {
        what: 'New machine added',
        summary: `${name}: new machine added`,
        url: event.machine.url,
        color: COLORS.machineCreated,
        description: manualLogText(event),
        fields: [
          field('Location', plainName(locationName(event.machine))),
          field('Added by', plainName(actorName(event))),
        ],
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
        description: manualLogText(event),
        fields: [
          field('Location', plainName(locationName(event.machine))),
          field('Changed by', plainName(actorName(event))),
        ],
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
        description: manualLogText(event),
        fields: [field('Moved by', plainName(actorName(event)))],
      }
    }
  }
}

/** A log entry a person wrote alongside a machine change; auto texts repeat the title. */
function manualLogText(event: KnockerEvent): string | undefined {
  const log = event.log_entry
  return log && !log.auto_generated ? bodyText(event, log.text) : undefined
}

function statusColor(to: string | null, machine: Machine): number {
  const status = to && Object.hasOwn(COLORS.status, to) ? to : machine.operational_status
  return COLORS.status[status as keyof typeof COLORS.status]
}

/** "Eight Ball Deluxe — New problem report", shortening the machine name, never the event. */
function titleFor(machineName: string, what: string, test: boolean): string {
  const prefix = test ? TEST_TITLE_PREFIX : ''
  const suffix = ` — ${what}`
  const room = EMBED_LIMITS.title - prefix.length - Math.min(suffix.length, EMBED_LIMITS.title / 2)
  return prefix + truncateChars(oneLine(machineName), Math.max(room, 1)) + suffix
}

export function formatDiscord(event: KnockerEvent, ctx: FormatContext): PreparedRequest {
  const view = describe(event)
  const embed: APIEmbed = {
    title: titleFor(machineDisplayName(event.machine), view.what, ctx.test),
    url: view.url,
    color: view.color,
    timestamp: new Date(event.occurred_at).toISOString(),
    footer: { text: `Flipfix · ${oneLine(event.machine.asset_id)}${ctx.test ? ' · test message' : ''}` },
  }
  if (view.description) embed.description = neutralizeDiscordMentions(view.description)
  embed.fields = view.fields.map((f) => ({ ...f, value: neutralizeDiscordMentions(f.value) }))
  embed.title = neutralizeDiscordMentions(embed.title!)

  const body: RESTPostAPIWebhookWithTokenJSONBody = {
    embeds: [fitEmbed(embed)],
    // Report text is written by the public: never let anything in it ping anyone.
    allowed_mentions: { parse: [] },
  }
  if (ctx.test) body.content = TEST_NOTICE
  const summary = truncateChars(oneLine(`${ctx.test ? 'TEST · ' : ''}${view.summary}`), SUMMARY_MAX_CHARS)
  if (ctx.options.forum === true) {
    // Forum channels: a problem report's first message opens a thread; everything later
    // about that report goes into it.
    if (ctx.threadId) return { body, summary, query: { thread_id: ctx.threadId } }
    body.thread_name = forumThreadName(event, ctx.test)
  }
  return { body, summary }
}

/** "Eight Ball Deluxe: #1 drop target spring missing" (Discord allows 100 characters). */
export function forumThreadName(event: KnockerEvent, test: boolean): string {
  const machine = machineDisplayName(event.machine)
  const report = event.problem_report
  const topic = report
    ? report.description.trim() || `${report.problem_type_label} (#${report.id})`
    : describe(event).what
  const name = `${test ? TEST_TITLE_PREFIX : ''}${machine}: ${oneLine(topic)}`
  return truncateChars(neutralizeDiscordMentions(name), FORUM_THREAD_NAME_MAX)
}

const FORUM_THREAD_NAME_MAX = 100
