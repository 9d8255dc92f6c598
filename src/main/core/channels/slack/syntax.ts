// Slack mrkdwn: how names, free text, links and dates are written, and how text written by
// the public is kept from pinging anyone. Slack's own rule does most of it: &, < and > become
// entities, so <!channel>, <!here>, <@U…>, <#C…>, <!subteam^…> and <url|…> cannot form.
import { oneLine } from '../../text/cleanText'
import { truncateChars } from '../../text/truncate'
import type { MessageSyntax } from '../eventView'

const ZWSP = '\u200b'

/** Longest field value we let eventView build (Slack allows 2000 per field; lists are
 * shortened to fit this, so a long maintainer list ends in "and 12 more", not mid-name). */
export const MAX_FIELD_CHARS = 1000

/** Slack's control characters as entities (its documented escaping). */
export function escapeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

// A bare "@channel" can still be picked up by Slack's automatic parsing (verbatim: false,
// link_names): a zero-width space after the @ keeps it readable and inert.
const AT_MENTION = /@(channel|here|everyone)\b/gi

/** Text written by the public, made unable to mention anyone (entities + broken @-words). */
export function neutralizeSlack(text: string): string {
  return escapeEntities(text).replace(AT_MENTION, (match) => `@${ZWSP}${match.slice(1)}`)
}

/** A name: inert, and unable to restyle the message. mrkdwn has no backslash escape, so a
 * style character is fenced with zero-width spaces (it can neither open nor close a span). */
export function escapeName(text: string): string {
  const inert = neutralizeSlack(text).replace(/[*_~`]/g, `${ZWSP}$&${ZWSP}`)
  // A leading ">" would start a block quote.
  return inert.startsWith('&gt;') ? ZWSP + inert : inert
}

/** For plain_text (the header): nothing is parsed there, but a "<" is still kept from
 * touching what follows, so no mention or link syntax survives even if Slack changed that. */
function plainTextSafe(text: string): string {
  return text.replace(/</g, `<${ZWSP}`).replace(AT_MENTION, (match) => `@${ZWSP}${match.slice(1)}`)
}

/** plainTextSafe within `max` characters (a header's 150). The zero-width spaces it adds are
 * paid for by cutting that much more, so no cut can separate a "<" from the space that keeps
 * it inert. */
export function plainTextWithin(text: string, max: number): string {
  const cut = truncateChars(text, max)
  const safe = plainTextSafe(cut)
  if (safe.length <= max) return safe
  return plainTextSafe(truncateChars(text, max - (safe.length - cut.length)))
}

/** A URL inside <url|label>: "|" and ">" would end it early; "&" is an entity like elsewhere. */
export function slackUrl(url: string): string {
  return url
    .replace(/&/g, '&amp;')
    .replace(/</g, '%3C')
    .replace(/>/g, '%3E')
    .replace(/\|/g, '%7C')
    .replace(/\s/g, '%20')
}

export function slackLink(label: string, url: string): string {
  return `<${slackUrl(url)}|${neutralizeSlack(oneLine(label)).replace(/\|/g, '¦') || slackUrl(url)}>`
}

// Markdown links [label](https://…) and bare http(s) URLs in report/log texts. A bare URL
// stops at "|": someone typing Slack's own <url|label> syntax gets it shown, not parsed.
const LINKS = /\[([^\]\n]{1,300})\]\((https?:\/\/[^)\s]{1,2000})\)|\bhttps?:\/\/[^\s<>"'()[\]|]{1,2000}/gi
const TRAILING_PUNCTUATION = /[.,;:!?]+$/

/** Markdown's emphasis and headings in their mrkdwn form (the rest reads fine as is). */
function markdownStyles(text: string): string {
  return text
    .replace(/\*\*(?=\S)([^*\n]+?)\*\*/g, '*$1*')
    .replace(/~~(?=\S)([^~\n]+?)~~/g, '~$1~')
    .replace(/^#{1,6}[ \t]+(.+?)[ \t]*#*$/gm, '*$1*')
}

function freeText(text: string): string {
  return markdownStyles(neutralizeSlack(text))
}

/**
 * Report and log texts (Markdown written by the public) as mrkdwn: made inert, Markdown links
 * and bare URLs written as <url|label> / <url> (the only links Slack makes from our text, as
 * fields use verbatim), emphasis converted. The host app's [[…]] markup is left for eventView.
 */
function markdownToMrkdwn(text: string): string {
  let out = ''
  let last = 0
  for (const match of text.matchAll(LINKS)) {
    const [whole, label, labelledUrl] = match
    out += freeText(text.slice(last, match.index))
    if (labelledUrl) {
      out += slackLink(label, labelledUrl)
      last = match.index + whole.length
    } else {
      const url = whole.replace(TRAILING_PUNCTUATION, '')
      out += `<${slackUrl(url)}>`
      last = match.index + url.length
    }
  }
  return out + freeText(text.slice(last))
}

/** "<!date^…>": Slack shows it in each reader's own time zone; the fallback is plain UTC. */
export function slackDate(iso: string, format = '{date_short_pretty}'): string {
  const ms = Date.parse(iso)
  if (!Number.isFinite(ms)) return escapeEntities(iso)
  const utc = new Date(ms).toISOString()
  const fallback = format.includes('{time}') ? `${utc.slice(0, 10)} ${utc.slice(11, 16)} UTC` : utc.slice(0, 10)
  return `<!date^${Math.floor(ms / 1000)}^${format}|${fallback}>`
}

export const slackSyntax: MessageSyntax = {
  escape: escapeName,
  escapeText: markdownToMrkdwn,
  link: slackLink,
  date: (iso) => slackDate(iso),
  maxFieldChars: MAX_FIELD_CHARS,
}
