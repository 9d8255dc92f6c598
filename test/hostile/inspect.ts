// What a destination must never receive from text the public typed: a working mention, a
// tag, a template function, a control character. Each check returns the problems it found
// (empty = harmless), with the JSON path, so a failure names the field. Used by the unit
// tests of each format and by the intake fuzz test on what the mocks actually received.

// Controls that render as boxes, break mail or reorder text (tab, CR and LF are fine).
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

/** Every string in a JSON value, with its path. */
export function stringsOf(value: unknown, path = '$'): Array<[string, string]> {
  if (typeof value === 'string') return [[path, value]]
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsOf(v, `${path}[${i}]`))
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringsOf(v, `${path}.${k}`))
  return []
}

function problemsWhere(strings: Array<[string, string]>, test: (text: string) => string | null): string[] {
  const out: string[] = []
  for (const [path, text] of strings) {
    const problem = test(text)
    if (problem) out.push(`${path}: ${problem} in ${JSON.stringify(text.slice(0, 200))}`)
  }
  return out
}

const controlProblem = (text: string) => (CONTROLS.test(text) ? 'control or bidi character' : null)

// ---------------------------------------------------------------------------

const DISCORD_MENTION = /@(everyone|here)\b|<(@[!&]?|#)\d+>/i

export function discordProblems(body: any): string[] {
  const problems: string[] = []
  if (JSON.stringify(body?.allowed_mentions) !== JSON.stringify({ parse: [] })) {
    problems.push(`allowed_mentions is ${JSON.stringify(body?.allowed_mentions)}, not {"parse":[]}`)
  }
  problems.push(
    ...problemsWhere(stringsOf(body), (text) => {
      const mention = DISCORD_MENTION.exec(text)
      return mention ? `working mention ${mention[0]}` : controlProblem(text)
    }),
  )
  return problems
}

// ---------------------------------------------------------------------------

// In mrkdwn only our own links (<http…>) and dates (<!date^…>) may open with "<"; in the
// plain_text header a "<" is kept from touching what follows by a zero-width space.
const SLACK_OPEN = /<(?!\u200b|https?:\/\/|!date\^)/
const SLACK_AT = /(?<!\u200b)@(channel|here|everyone)\b/i

export function slackProblems(body: any): string[] {
  return problemsWhere(stringsOf(body), (text) => {
    const control = controlProblem(text)
    if (control) return control
    const at = SLACK_AT.exec(text)
    if (at) return `working mention ${at[0]}`
    const open = SLACK_OPEN.exec(text)
    if (open) return `Slack syntax opened at "${text.slice(open.index, open.index + 20)}"`
    return null
  })
}

// ---------------------------------------------------------------------------

// Our own footer ends in the date functions Teams renders in each reader's time zone; any
// other "{{" was typed by someone.
const OUR_FOOTER_DATE = / · \{\{DATE\(([0-9TZ:-]+), SHORT\)\}\} \{\{TIME\(\1\)\}\}( · test message)?$/

export function teamsProblems(message: any): string[] {
  const card = message?.attachments?.[0]?.content
  const problems: string[] = []
  if (card?.msteams?.entities) problems.push('the card carries msteams.entities (mentions)')
  const previews: Array<[string, string]> = [
    ['$.summary', message?.summary],
    ['$.text', message?.text],
    ['$.card.fallbackText', card?.fallbackText],
    ['$.card.speak', card?.speak],
  ]
  problems.push(...problemsWhere(previews, (text) => (/[<>]/.test(text ?? '') ? 'angle bracket in a preview' : null)))
  // Every text of the card, digests' nested Containers included; a subtle TextBlock is a footer.
  const visit = (node: unknown, path: string, footer: boolean): void => {
    if (typeof node === 'string') {
      if (/(?<!\\)[<>]/.test(node)) problems.push(`${path}: unescaped angle bracket in ${JSON.stringify(node.slice(0, 200))}`)
      else if ((footer ? node.replace(OUR_FOOTER_DATE, '') : node).includes('{{')) problems.push(`${path}: template function in ${JSON.stringify(node.slice(0, 200))}`)
      else if (/(?<!\\)\]\((?!https?:\/\/|mailto:)/i.test(node)) problems.push(`${path}: link to something other than a web page`)
      return
    }
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, `${path}[${i}]`, footer))
    if (node && typeof node === 'object') {
      const isFooter = (node as any).type === 'TextBlock' && (node as any).isSubtle === true
      for (const [key, value] of Object.entries(node)) visit(value, `${path}.${key}`, isFooter)
    }
  }
  visit(card?.body ?? [], '$.card.body', false)
  problems.push(...problemsWhere(stringsOf(message), controlProblem))
  return problems
}

// ---------------------------------------------------------------------------

const EMAIL_TAGS = new Set(['html', 'head', 'meta', 'title', 'body', 'div', 'p', 'h1', 'h2', 'table', 'tr', 'th', 'td', 'strong', 'a', 'br', 'img'])
const EMAIL_ATTRIBUTES = new Set(['lang', 'charset', 'name', 'content', 'style', 'role', 'cellpadding', 'cellspacing', 'align', 'href', 'src', 'alt'])

/** HTML and text of a mail (as formatted, or as mailparser read it off the wire). */
export function emailProblems(mail: { subject?: string; html?: string | false; text?: string; headers?: Record<string, string> }): string[] {
  const problems: string[] = []
  const html = typeof mail.html === 'string' ? mail.html : ''
  for (const tag of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)) {
    const name = tag[2].toLowerCase()
    if (!EMAIL_TAGS.has(name)) problems.push(`html: tag <${name}> that we never write`)
    const attributes = [...tag[3].matchAll(/\s+([a-zA-Z-]+)="[^"]*"/g)]
    for (const attr of attributes) {
      if (!EMAIL_ATTRIBUTES.has(attr[1].toLowerCase())) problems.push(`html: attribute ${attr[1]} on <${name}>`)
    }
    const rest = attributes.reduce((text, attr) => text.replace(attr[0], ''), tag[3])
    if (rest.trim() !== '' && rest.trim() !== '/') problems.push(`html: stray markup in <${name}${rest.slice(0, 40)}>`)
    const href = /\shref="([^"]*)"/.exec(tag[3])
    if (href && !/^https?:\/\//.test(href[1])) problems.push(`html: link to ${href[1].slice(0, 60)}`)
    const src = /\ssrc="([^"]*)"/.exec(tag[3])
    if (src && !/^https?:\/\//.test(src[1])) problems.push(`html: image from ${src[1].slice(0, 60)}`)
  }
  if (/<(?!\/?[a-zA-Z!])/.test(html.replace(/<!DOCTYPE html>/, ''))) {
    // A bare "<" is only a problem if it opens something; escaped text never has one.
    problems.push('html: a raw "<" outside our tags')
  }
  const strings: Array<[string, string]> = [
    ['subject', mail.subject ?? ''],
    ['html', html],
    ['text', mail.text ?? ''],
    ...Object.entries(mail.headers ?? {}).map(([k, v]) => [`headers.${k}`, v] as [string, string]),
  ]
  problems.push(...problemsWhere(strings, controlProblem))
  if (/[\r\n]/.test(mail.subject ?? '')) problems.push('subject: line break (header injection)')
  return problems
}
