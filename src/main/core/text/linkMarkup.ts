// The host app's [[type:ref]] link markup as links in a destination's own syntax (each channel
// passes its Markdown, mrkdwn, HTML or plain-text link builder).

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
function siteLink(siteUrl: string, path: string): string {
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
