// A WCAG 2.1 A/AA audit (axe-core in Chromium) of every console page, the sign-in form, the add
// and edit endpoint dialogs and a delivery's detail, in the light and the dark scheme (the console
// follows the OS's). One shell with realistic content: a healthy Discord endpoint, one that needs
// attention, delivered and failed deliveries. Any violation fails the test, all of them listed.
import { writeFileSync } from 'node:fs'
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import type { EndpointView } from '../../src/shared/contracts'
import type { DiscordMock } from '../mocks/discordMock'
import type { HeadlessShell } from './headlessShell'
import { useShellWithDiscordMock } from './shellWithDiscordMock'
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
  { hash: 'routing', heading: 'Who gets this?' },
  { hash: 'settings', heading: 'Settings' },
]

let shell: HeadlessShell
let discord: DiscordMock

useShellWithDiscordMock((both) => ({ shell, discord } = both))

// Content for both tests: a healthy endpoint, one that needs attention, delivered and failed deliveries.
test.beforeAll(async () => {
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

  const audits: Audited[] = []
  const audit = async (scheme: Scheme, where: string) => {
    await settled(page)
    const { violations } = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze()
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
        if (hash === 'routing') await expect(page.getByTestId('routing-answer')).toBeVisible()
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
  expect(failing.length, `WCAG 2.1 A/AA violations:\n${describe(failing)}\n(all of them: ${report})`).toBe(0)
})

/** The focused element's name and its focus ring, as drawn. */
async function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement
    const s = getComputedStyle(el)
    return {
      name: (el.getAttribute('aria-label') ?? el.textContent ?? '').trim(),
      tag: el.tagName,
      ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
      inDialog: el.closest('[role="dialog"]') !== null,
    }
  })
}

async function tabTo(page: Page, name: RegExp, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    const f = await focused(page)
    if (name.test(f.name)) return f
  }
  throw new Error(`${name} was not reached with ${max} presses of Tab`)
}

test('from the keyboard: every control reachable with a visible ring, dialogs trap and return focus, changes announced once', async ({ page }) => {
  test.setTimeout(90_000)
  await page.setViewportSize({ width: 1360, height: 1000 })
  await page.goto(`${shell.url}/#token=${shell.adminToken}`)
  await expect(page.getByRole('heading', { level: 2, name: 'Overview' })).toBeVisible()
  await expect(page.getByRole('table', { name: 'Endpoint health' })).toBeVisible()

  await test.step('the navbar: Tab reaches each page link, with a ring; Enter opens it', async () => {
    const link = await tabTo(page, /^Endpoints/)
    expect(link.ring, 'focus ring on the nav link').toBe(true)
    await page.keyboard.press('Enter')
    await expect(page.getByRole('heading', { level: 2, name: 'Endpoints' })).toBeVisible()
  })

  await test.step('Add endpoint: opens on Enter, keeps Tab inside, Escape gives focus back to the button', async () => {
    const button = await tabTo(page, /^Add endpoint$/)
    expect(button.ring, 'focus ring on the button').toBe(true)
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: 'Add endpoint' })
    await expect(dialog.getByLabel('Name')).toBeFocused()
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab')
      expect((await focused(page)).inDialog, `Tab ${i + 1} left the dialog`).toBe(true)
    }
    await page.keyboard.press('Escape')
    await expect(dialog).toBeHidden()
    await expect(page.getByRole('button', { name: 'Add endpoint' })).toBeFocused()
  })

  await test.step('Edit from the row menu with arrows and Enter; Escape gives focus back to the menu button', async () => {
    const actions = page.getByRole('button', { name: 'Actions for Workshop Discord' })
    await actions.focus()
    expect((await focused(page)).ring, 'focus ring on the menu button').toBe(true)
    await page.keyboard.press('Enter')
    await expect(page.getByRole('menuitem', { name: 'Edit' })).toBeVisible()
    await page.keyboard.press('ArrowDown')
    await expect(page.getByRole('menuitem', { name: 'Edit' })).toBeFocused()
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: 'Edit endpoint' })
    await expect(dialog.getByLabel('Name')).toBeFocused()
    await page.keyboard.press('Escape')
    await expect(dialog).toBeHidden()
    await expect(actions).toBeFocused()
  })

  await test.step('Send test from the keyboard; the result is in a polite live region', async () => {
    const row = page.getByRole('row').filter({ hasText: 'Workshop Discord' })
    await row.getByRole('button', { name: 'Send test' }).focus()
    await page.keyboard.press('Enter')
    const status = row.getByRole('status')
    await expect(status).toHaveAttribute('aria-live', 'polite')
    await expect(status).toHaveText(/Test to Workshop Discord: ✓ delivered in \d+ ms/, { timeout: 20_000 })
  })

  await test.step('a delivery opens on Enter and Escape gives focus back to its row', async () => {
    await page.goto(`${shell.url}/#/deliveries`)
    const first = page.getByTestId('delivery-row').first().getByRole('button')
    await first.focus()
    expect((await focused(page)).ring, 'focus ring on the delivery row').toBe(true)
    await page.keyboard.press('Enter')
    const drawer = page.getByRole('dialog', { name: 'Delivery' })
    await expect(drawer).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(drawer).toBeHidden()
    await expect(first).toBeFocused()
  })

  await test.step('a tooltip (the exact time of the last success) shows on keyboard focus, not on hover alone', async () => {
    await page.goto(`${shell.url}/#/overview`)
    const row = page.getByRole('table', { name: 'Endpoint health' }).getByRole('row').filter({ hasText: 'Workshop Discord' })
    const lastSuccess = row.getByRole('cell').nth(1).locator('[tabindex="0"]')
    await lastSuccess.focus()
    await expect(page.getByRole('tooltip')).toBeVisible()
    await page.goto(`${shell.url}/#/deliveries`)
    await expect(page.getByTestId('delivery-row').first()).toBeVisible()
  })

  await test.step('a burst of deliveries is announced in one polite sentence, not one per delivery', async () => {
    const announcer = page.getByTestId('deliveries-announcer')
    await expect(announcer).toHaveAttribute('aria-live', 'polite')
    // Record every text the live region takes from now on.
    await announcer.evaluate((el) => {
      const texts: string[] = []
      ;(window as unknown as { announced: string[] }).announced = texts
      new MutationObserver(() => {
        const text = el.textContent?.trim()
        if (text) texts.push(text)
      }).observe(el, { childList: true, subtree: true, characterData: true })
    })
    const before = (await adminGet<{ deliveries: unknown[] }>(shell, '/api/deliveries?status=delivered')).deliveries.length
    for (let i = 0; i < 6; i++) await pushEvent(shell, 'log_entry.created')
    await expect
      .poll(async () => (await adminGet<{ deliveries: unknown[] }>(shell, '/api/deliveries?status=delivered')).deliveries.length, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(before + 6)
    await expect(announcer).toContainText('delivered', { timeout: 15_000 })
    await page.waitForTimeout(5_000) // one more coalescing window: nothing else may trickle in
    const announced = await page.evaluate(() => (window as unknown as { announced: string[] }).announced)
    expect(announced.length, `announced: ${JSON.stringify(announced)}`).toBeLessThanOrEqual(2)
    expect(announced.join(' ')).toMatch(/\d+ deliveries delivered/)
  })
})
