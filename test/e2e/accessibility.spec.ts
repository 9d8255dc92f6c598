// A WCAG 2.1 A/AA audit (axe-core in Chromium) of every console page, the sign-in form, the add
// and edit endpoint dialogs and a delivery's detail, in the light and the dark scheme (the console
// follows the OS's). One shell with realistic content: a healthy Discord endpoint, one that needs
// attention, delivered and failed deliveries. Any violation fails the test, all of them listed.
import { writeFileSync } from 'node:fs'
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import type { EndpointView } from '../../src/shared/contracts'
import { startDiscordMock, type DiscordMock } from '../mocks/discordMock'
import { startHeadlessShell, type HeadlessShell } from './headlessShell'
import { adminGet, pushEvent } from './shellRequests'

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
const SCHEMES = ['light', 'dark'] as const
type Scheme = (typeof SCHEMES)[number]

const PAGES = [
  { hash: 'overview', heading: 'Overview' },
  { hash: 'endpoints', heading: 'Endpoints' },
  { hash: 'sources', heading: 'Events & sources' },
  { hash: 'deliveries', heading: 'Deliveries' },
  { hash: 'preview', heading: 'Message preview' },
  { hash: 'settings', heading: 'Settings' },
]

let shell: HeadlessShell
let discord: DiscordMock

test.beforeAll(async () => {
  discord = await startDiscordMock()
  shell = await startHeadlessShell()
})

test.afterAll(async () => {
  await shell?.stop()
  await discord?.close()
})

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>
type Violation = AxeResults['violations'][number]

interface Audited {
  scheme: Scheme
  where: string
  violations: Violation[]
}

/** One line per rule, then each offending element (a few of them) with axe's reason. */
function describe(audits: Audited[]): string {
  const lines: string[] = []
  for (const { scheme, where, violations } of audits) {
    for (const v of violations) {
      lines.push(`[${scheme}] ${where}: ${v.id} (${v.impact ?? 'n/a'}, ${v.nodes.length}×) ${v.help}  ${v.helpUrl}`)
      for (const node of v.nodes.slice(0, 6)) {
        const reason = node.failureSummary?.replace(/\s+/g, ' ').replace(/^Fix (any|all) of the following: /, '') ?? ''
        lines.push(`    ${node.target.join(' ')}  ${node.html.slice(0, 140).replace(/\s+/g, ' ')}`)
        if (reason) lines.push(`      → ${reason}`)
      }
      if (v.nodes.length > 6) lines.push(`    … and ${v.nodes.length - 6} more`)
    }
  }
  return lines.join('\n')
}

/** Waits until Mantine's transitions (dialogs fading in, drawers sliding) have finished. */
async function settled(page: Page) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'))
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0)
}

async function endpointsNamed(name: string): Promise<EndpointView | undefined> {
  const { endpoints } = await adminGet<{ endpoints: EndpointView[] }>(shell, '/api/endpoints')
  return endpoints.find((e) => e.name === name)
}

async function createDiscordEndpoint(name: string, url: string) {
  const res = await fetch(`${shell.url}/api/endpoints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${shell.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, kind: 'discord', url }),
  })
  expect(res.status, await res.clone().text()).toBe(201)
}

test('every page and endpoint dialog passes a WCAG 2.1 AA audit in light and dark', async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 1360, height: 1000 })

  await test.step('content: a healthy endpoint, one that needs attention, delivered and failed deliveries', async () => {
    const healthy = discord.addWebhook()
    const broken = discord.addWebhook()
    discord.script(broken.id, { status: 404, body: { code: 10015, message: 'Unknown Webhook' } })
    await createDiscordEndpoint('Workshop Discord', healthy.url)
    await createDiscordEndpoint('Front desk Discord', broken.url)
    await pushEvent(shell, 'problem_report.created')
    await pushEvent(shell, 'log_entry.created')
    await expect.poll(async () => (await endpointsNamed('Front desk Discord'))?.needs_attention ?? null, { timeout: 15_000 }).toBeTruthy()
    await discord.waitForMessages(2, 15_000)
  })

  const audits: Audited[] = []
  const audit = async (scheme: Scheme, where: string, include?: string) => {
    await settled(page)
    let builder = new AxeBuilder({ page }).withTags(WCAG_TAGS)
    if (include) builder = builder.include(include)
    const { violations } = await builder.analyze()
    audits.push({ scheme, where, violations })
  }

  await page.goto(`${shell.url}/#token=${shell.adminToken}`)
  for (const scheme of SCHEMES) {
    await test.step(`${scheme}: every page, the endpoint dialogs, a delivery's detail`, async () => {
      await page.emulateMedia({ colorScheme: scheme })
      await page.goto(`${shell.url}/#/overview`)
      await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', scheme)

      for (const { hash, heading } of PAGES) {
        await page.goto(`${shell.url}/#/${hash}`)
        await expect(page.getByRole('heading', { level: 2, name: heading })).toBeVisible()
        if (hash === 'overview') await expect(page.getByRole('table', { name: 'Endpoint health' })).toBeVisible()
        if (hash === 'endpoints') await expect(page.getByRole('table', { name: 'Endpoints' })).toBeVisible()
        if (hash === 'deliveries') await expect(page.getByTestId('delivery-row').first()).toBeVisible()
        if (hash === 'preview') await expect(page.getByTestId('preview-discord')).toBeVisible()
        await audit(scheme, heading)
      }

      await page.goto(`${shell.url}/#/endpoints`)
      await page.getByRole('button', { name: 'Add endpoint' }).click()
      const add = page.getByRole('dialog', { name: 'Add endpoint' })
      await expect(add.getByLabel('Name')).toBeFocused()
      await audit(scheme, 'Add endpoint dialog')
      await page.keyboard.press('Escape')
      await expect(add).toBeHidden()

      await page.getByRole('button', { name: 'Actions for Workshop Discord' }).click()
      await page.getByRole('menuitem', { name: 'Edit' }).click()
      const edit = page.getByRole('dialog', { name: 'Edit endpoint' })
      await expect(edit.getByLabel('Name')).toBeFocused()
      await audit(scheme, 'Edit endpoint dialog')
      await page.keyboard.press('Escape')
      await expect(edit).toBeHidden()

      await page.goto(`${shell.url}/#/deliveries`)
      await page.locator('[data-testid="delivery-row"][data-status="failed"]').first().getByRole('button').click()
      const drawer = page.getByRole('dialog', { name: 'Delivery' })
      await expect(drawer.getByTestId('attempt').first()).toBeVisible()
      await audit(scheme, 'Delivery detail')
      await page.keyboard.press('Escape')
      await expect(drawer).toBeHidden()
    })

    await test.step(`${scheme}: the sign-in form`, async () => {
      const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1360, height: 1000 } })
      const signIn = await context.newPage()
      try {
        await signIn.goto(shell.url)
        await expect(signIn.getByRole('form', { name: 'Sign in' })).toBeVisible()
        await signIn.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'))
        const { violations } = await new AxeBuilder({ page: signIn }).withTags(WCAG_TAGS).analyze()
        audits.push({ scheme, where: 'Sign in', violations })
      } finally {
        await context.close()
      }
    })
  }

  const summary = audits.map((a) => `${a.scheme.padEnd(5)} ${a.where.padEnd(22)} ${a.violations.reduce((n, v) => n + v.nodes.length, 0)}`)
  console.log(`axe violations (elements) per page:\n${summary.join('\n')}`)
  // Every element of every violation, for when the message's first few are not enough.
  const report = testInfo.outputPath('axe-violations.json')
  writeFileSync(report, JSON.stringify(audits, null, 2))
  await testInfo.attach('axe-violations.json', { path: report, contentType: 'application/json' })
  const failing = audits.filter((a) => a.violations.length > 0)
  expect(failing, `WCAG 2.1 A/AA violations:\n${describe(failing)}`).toHaveLength(0)
})
