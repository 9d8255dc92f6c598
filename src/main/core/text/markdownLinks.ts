// Text helpers shared by every destination: the host app's [[type:ref]] link markup,
// word/character truncation that never splits a surrogate pair, and mention neutralising.
// Destination-neutral: each channel passes its own link syntax.

/** Builds one link in the destination's syntax (Markdown, mrkdwn, HTML, plain text …). */
export type LinkSyntax = (label: string, url: string) => string

export interface LinkMarkupOptions {
  /** The host app's base URL (event.site_url); links are made absolute against it. */
  siteUrl: string
  link: LinkSyntax
  /** Known machine names by slug (the event's own machine), used as link labels. */
  machineNames?: Readonly<Record<string, string>>
}

// The host app's markup: [[machine:slug]] (authoring), [[machine:id:42]] (storage),
// [[problem:7]], [[log:9]], and other types we cannot resolve (page, model, partrequest …).
const LINK_MARKUP = /\[\[([A-Za-z][A-Za-z0-9_-]*):([^\][\n]{1,300})\]\]/g
const SLUG = /^[A-Za-z0-9_-]+$/
const NUMBER = /^\d{1,18}$/
const STORAGE_ID = /^id:(\d{1,18})$/

/** Absolute URL for a path on the host app's site, keeping any path prefix of siteUrl. */
export function siteLink(siteUrl: string, path: string): string {
  return siteUrl.replace(/\/+$/, '') + path
}

/**
 * Replace [[type:ref]] markup with links (or plain text when there is no page to link to),
 * so raw markup never leaks into a message. Everything outside the markup is left as is.
 */
export function renderLinkMarkup(text: string, options: LinkMarkupOptions): string {
  const { siteUrl, link, machineNames = {} } = options
  return text.replace(LINK_MARKUP, (_whole, rawType: string, ref: string) => {
    const type = rawType.toLowerCase()
    const storageId = STORAGE_ID.exec(ref)?.[1]
    if (type === 'machine') {
      // Storage-format machine links carry only a database id; the site has no page by id.
      if (storageId) return `machine #${storageId}`
      if (!SLUG.test(ref)) return ref
      const label = Object.hasOwn(machineNames, ref) ? machineNames[ref] : ref
      return link(label, siteLink(siteUrl, `/machines/${ref}/`))
    }
    if (type === 'problem' && NUMBER.test(ref)) {
      return link(`Problem #${ref}`, siteLink(siteUrl, `/problem-reports/${ref}/`))
    }
    if (type === 'log' && NUMBER.test(ref)) {
      return link(`Log #${ref}`, siteLink(siteUrl, `/logs/${ref}/`))
    }
    return storageId ? `${type} #${storageId}` : ref
  })
}

/** Cut to at most maxChars UTF-16 units without splitting a surrogate pair. */
export function cutChars(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text
  if (maxChars <= 0) return ''
  let end = maxChars
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end -= 1
  return text.slice(0, end)
}

/** Cut to at most maxChars (ellipsis included), never splitting a surrogate pair. */
export function truncateChars(text: string, maxChars: number, ellipsis = '…'): string {
  if (text.length <= maxChars) return text
  if (maxChars <= ellipsis.length) return cutChars(text, maxChars)
  return cutChars(text, maxChars - ellipsis.length).trimEnd() + ellipsis
}

const MARKDOWN_LINK = /\[[^\]\n]*\]\([^)\s]*\)/g

/**
 * Keep the first maxWords words (the host app's lesson: ~200 words, not 200 chars), with an
 * ellipsis when anything was cut. A cut that would fall inside a Markdown link moves to the
 * link's end so the link stays whole. maxChars is a hard safety cap on top.
 */
export function truncateWords(text: string, maxWords = 200, maxChars = 4000): string {
  let cut = -1
  let count = 0
  for (const word of text.matchAll(/\S+/g)) {
    count += 1
    if (count === maxWords) cut = word.index + word[0].length
    if (count > maxWords) break
  }
  let result = text
  if (count > maxWords && cut >= 0) {
    for (const m of text.matchAll(MARKDOWN_LINK)) {
      if (m.index < cut && cut < m.index + m[0].length) {
        cut = m.index + m[0].length
        break
      }
    }
    result = text.slice(0, cut).trimEnd() + '…'
  }
  return truncateChars(result, maxChars)
}

// Characters nobody means to show: C0/C1 controls (NUL, ESC …) render as boxes, break mail
// (RFC 5322 forbids NUL) or drive terminals; bidi overrides and isolates can reorder what a
// reader sees ("Trojan source"). Tab, newline and carriage return are whitespace, not controls.
const INVISIBLE_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

/** Free text without invisible control characters (line breaks and tabs stay). */
export function stripControls(text: string): string {
  return text.replace(INVISIBLE_CONTROLS, '')
}

/** Collapse whitespace so a name or short value sits on one line, without control characters. */
export function oneLine(text: string): string {
  return stripControls(text).replace(/\s+/g, ' ').trim()
}

// @everyone, @here, <@123>, <@!123>, <@&123>, <#123>. A zero-width space keeps the text
// readable but stops Discord from parsing a mention. allowed_mentions is the real guard.
const DISCORD_MENTION = /@(everyone|here)\b|<(?=(?:@[!&]?|#)\d+>)/gi
const ZERO_WIDTH_SPACE = '\u200b'

/** Defence in depth for text written by the public (report descriptions, names). */
export function neutralizeDiscordMentions(text: string): string {
  return text.replace(DISCORD_MENTION, (match) =>
    match === '<' ? `<${ZERO_WIDTH_SPACE}` : `@${ZERO_WIDTH_SPACE}${match.slice(1)}`,
  )
}
