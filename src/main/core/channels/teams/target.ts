// What a Teams endpoint points at: a Power Automate "Workflows" webhook URL. The URL is an
// opaque secret (its sig= parameter is the only credential), so it is kept as pasted and
// POSTed verbatim; error messages describe what is wrong without ever quoting it.
import { hostAndTail, parseTargetUrl } from '../outbound/targetUrl'
import { TargetError } from '../types'

export interface TeamsTarget {
  /** The Workflows URL exactly as pasted (trimmed): it is signed, so it is never rebuilt. */
  url: string
  /** The workflow's id from the path: the only part of the URL the UI may show (its end). */
  workflowId: string
}

const HOW_TO_CREATE =
  'In Teams, open the channel → ••• → Workflows → "Post to a channel when a webhook request is received", ' +
  'finish the steps and paste the URL it shows (it ends in …&sig=…).'
const EXPECTED =
  'Not a Teams Workflows URL: expected https://….logic.azure.com:443/workflows/<id>/triggers/manual/paths/invoke?…&sig=… ' +
  'or https://….environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/<id>/triggers/manual/paths/invoke?…&sig=…'
const MISSING_SIG = 'a Teams Workflows URL must carry sig=… (copy the whole URL from the workflow\'s trigger, including everything after "?")'
const MISSING_API_VERSION = 'a Teams Workflows URL must carry api-version=… (copy the whole URL, including everything after "?")'
const HTML_ESCAPED = 'The URL contains "&amp;" where "&" belongs (it was copied from HTML): copy it again from the workflow\'s trigger'
const CONNECTOR_RETIRED =
  'This is an Office 365 connector ("Incoming Webhook") URL. Microsoft has retired Teams connectors: they no longer post. ' +
  `Create a Workflow instead. ${HOW_TO_CREATE}`

/** Power Automate (Logic Apps) regional hosts and Power Platform environment hosts. */
const WORKFLOW_HOSTS = [/^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.logic\.azure\.com$/, /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.api\.powerplatform\.com$/]
// Retired connectors: https://<tenant>.webhook.office.com/webhookb2/… and the older
// https://outlook.office.com/webhook/… form.
const CONNECTOR_HOST = /(?:^|\.)webhook\.office\.com$/
const OLD_CONNECTOR = /^outlook\.office(?:365)?\.com$/

/** /workflows/<id>/triggers/<trigger>/paths/invoke, optionally under the Power Platform "direct" prefix. */
const WORKFLOW_PATH =
  /^(?:\/powerautomate\/automations\/direct)?\/workflows\/([A-Za-z0-9-]{4,100})\/triggers\/[A-Za-z0-9_.-]{1,80}\/paths\/invoke\/?$/

function rawUrlOf(input: Record<string, unknown>): string {
  const raw = input.url
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new TargetError(`Paste the Workflows URL of your Teams channel. ${HOW_TO_CREATE}`)
  }
  return raw.trim()
}

function isRetiredConnector(raw: string): boolean {
  try {
    const url = new URL(raw)
    const host = url.hostname.toLowerCase()
    return CONNECTOR_HOST.test(host) || (OLD_CONNECTOR.test(host) && /^\/webhook/i.test(url.pathname))
  } catch {
    return false
  }
}

export function parseTeamsTarget(input: Record<string, unknown> & { allowPrivate?: boolean }): TeamsTarget {
  const raw = rawUrlOf(input)
  if (isRetiredConnector(raw)) throw new TargetError(CONNECTOR_RETIRED)
  // Copied out of an HTML page or email, the URL's "&" arrive as "&amp;" and sig= gets lost.
  if (/&amp;/i.test(raw)) throw new TargetError(HTML_ESCAPED)
  const url = parseTargetUrl(raw, { expected: EXPECTED, allowPrivate: input.allowPrivate === true, hosts: WORKFLOW_HOSTS })
  const known = WORKFLOW_HOSTS.some((host) => host.test(url.hostname.toLowerCase()))
  if (known && url.port !== '' && url.port !== '443') throw new TargetError(EXPECTED)
  const match = WORKFLOW_PATH.exec(url.pathname)
  if (!match) throw new TargetError(EXPECTED)
  if (!url.searchParams.get('sig')) throw new TargetError(MISSING_SIG)
  if (!url.searchParams.get('api-version')) throw new TargetError(MISSING_API_VERSION)
  // Verbatim, unless parsing had to change it (http:// of a known host → https://, a #fragment).
  const verbatim = url.protocol === new URL(raw).protocol && !raw.includes('#')
  url.hash = ''
  return { url: verbatim ? raw : url.href, workflowId: match[1] }
}

/** "prod-12.westus.logic.azure.com …9f3c": host and the end of the workflow id, never the sig. */
export function redactTeamsTarget(target: TeamsTarget): string {
  return hostAndTail(target.url, target.workflowId)
}
