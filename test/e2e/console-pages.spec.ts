// Every page of the console against the real headless shell and a local Discord mock, the way
// a new superadmin would use it: empty states, pasting a URL, the event switches and the push
// set-up, a preview, a failure that is fixed and retried from the UI, search and CSV export.
// Each page is saved as a screenshot (test-results/screenshots; docs/screenshots, shown in the
// README, with KNOCKER_UPDATE_SCREENSHOTS=1), and no page ever contains the webhook's token.
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test, type Page } from '@playwright/test'
import type { EventType } from '../../src/shared/events'
import type { Settings } from '../../src/shared/contracts'
import { startDiscordMock, type DiscordMock } from '../mocks/discordMock'
import { startHeadlessShell, type HeadlessShell } from './headlessShell'
import { adminGet as adminGetFrom, pushEvent as pushEventTo } from './shellRequests'

// Every run saves them with the test results; `npm run screenshots` refreshes the README's copies.
const SCREENSHOTS = fileURLToPath(
  new URL(process.env.KNOCKER_UPDATE_SCREENSHOTS ? '../../docs/screenshots' : '../../test-results/screenshots', import.meta.url),
)

let shell: HeadlessShell
let discord: DiscordMock

test.beforeAll(async () => {
  discord = await startDiscordMock({ perWebhookLimit: 50 })
  shell = await startHeadlessShell()
  mkdirSync(SCREENSHOTS, { recursive: true })
})

test.afterAll(async () => {
  await shell?.stop()
  await discord?.close()
})

const adminGet = <T>(path: string) => adminGetFrom<T>(shell, path)
const pushEvent = (type?: EventType) => pushEventTo(shell, type)

async function openPage(page: Page, name: string) {
  await page.getByRole('navigation').getByRole('link', { name: new RegExp(`^${name}`) }).click()
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible()
}

async function screenshot(page: Page, name: string) {
  // After Mantine's transitions, or a drawer is caught half-open.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'))
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) })
}

const secretsOf = (token: string) => [token, shell.adminToken, shell.ingestToken]
async function expectNoSecrets(page: Page, secrets: string[]) {
  const html = await page.content()
  for (const secret of secrets) expect(html, 'a secret is on the page').not.toContain(secret)
}

test('a new superadmin sets up Discord, switches events, previews, fixes a failure and searches the history', async ({ page }) => {
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 1360, height: 1000 })
  const hook = discord.addWebhook()
  const secrets = secretsOf(hook.token)
  const name = 'Maintainers Discord'

  await test.step('empty overview: running, nothing sent, an invitation to add Discord', async () => {
    await page.goto(`${shell.url}/#token=${shell.adminToken}`)
    await expect(page.getByRole('heading', { level: 2, name: 'Overview' })).toBeVisible()
    await expect(page.getByTestId('engine-state')).toHaveAttribute('data-state', 'running')
    await expect(page.getByText('No endpoints yet — ')).toBeVisible()
    await expect(page.getByTestId('deliveries-chart')).toContainText('Nothing was delivered')
    await expectNoSecrets(page, secrets)
  })

  await test.step('pasting a Discord URL into the Slack form switches the kind to Discord', async () => {
    await openPage(page, 'Endpoints')
    await expect(page.getByText('No endpoints yet — add your Discord channel')).toBeVisible()
    await screenshot(page, 'endpoints-empty')
    await page.getByRole('button', { name: 'Add your first endpoint' }).click()
    const dialog = page.getByRole('dialog', { name: 'Add endpoint' })
    await dialog.getByLabel('Name').fill(name)
    await dialog.getByRole('radio', { name: 'Slack' }).check()
    await dialog.getByLabel('Webhook URL').fill('https://discord.com/api/webhooks/123/not-a-real-token')
    await expect(dialog.getByRole('status')).toContainText('That is a Discord URL')
    await expect(dialog.getByRole('radio', { name: 'Discord' })).toBeChecked()
    await expect(dialog.getByLabel('Forum channel')).toBeVisible()
    // The local mock stands in for discord.com.
    await dialog.getByLabel('Webhook URL').fill(hook.url)
    await screenshot(page, 'add-endpoint')
    await dialog.getByRole('button', { name: 'Add endpoint' }).click()
    await expect(dialog).toBeHidden()
    await expect(page.getByRole('row').filter({ hasText: name })).toBeVisible()
    await expectNoSecrets(page, secrets)
  })

  await test.step('Events & sources: switch an event type off; the intake set-up hides the token until asked', async () => {
    await openPage(page, 'Events & sources')
    const machineAdded = page.getByRole('switch', { name: 'Machine added' })
    await expect(machineAdded).toBeChecked()
    await machineAdded.click()
    await expect(machineAdded).not.toBeChecked()
    await expect
      .poll(async () => (await adminGet<Settings>('/api/settings')).events['machine.created'])
      .toBe(false)
    await expect(page.getByRole('textbox', { name: 'Intake URL' })).toHaveValue(`${shell.url}/v1/events`)
    await expect(page.getByText(`curl -sS -X POST '${shell.url}/v1/events'`)).toBeVisible()
    await expect(page.getByText('Authorization: Bearer <ingest token>')).toBeVisible()
    await page.getByRole('tab', { name: 'Python (Django)' }).click()
    await expect(page.getByText('pip install path/to/knocker/integrations/django')).toBeVisible()
    await expectNoSecrets(page, secrets)
    await screenshot(page, 'events-and-sources')
    await page.getByRole('button', { name: 'Show the ingest token' }).click()
    await expect(page.getByRole('textbox', { name: 'Ingest token' })).toHaveValue(shell.ingestToken)
    await page.getByRole('button', { name: 'Hide the ingest token' }).click()
    await expectNoSecrets(page, secrets)
    await page.getByRole('heading', { name: 'Poll the museum app' }).scrollIntoViewIfNeeded()
    await expect(page.getByRole('heading', { name: 'Machines (Flipfix API)' })).toBeVisible()
    await screenshot(page, 'pollers')
  })

  await test.step('a switched-off event type is suppressed, the others are delivered', async () => {
    const suppressed = await pushEvent('machine.created')
    const delivered = await pushEvent('problem_report.created')
    await openPage(page, 'Deliveries')
    await expect(page.locator(`[data-event-id="${suppressed}"]`)).toHaveAttribute('data-status', 'suppressed', { timeout: 15_000 })
    await expect(page.locator(`[data-event-id="${delivered}"]`)).toHaveAttribute('data-status', 'delivered', { timeout: 15_000 })
    await discord.waitForMessages(1, 10_000)
  })

  await test.step('message preview: the endpoint’s Discord embed, then an email, from sample data, nothing sent', async () => {
    const sent = discord.messages.length
    await openPage(page, 'Message preview')
    const embed = page.getByTestId('preview-discord')
    await expect(embed).toContainText('Eight Ball Deluxe')
    await page.getByRole('combobox', { name: 'Event' }).click()
    await page.getByRole('option', { name: 'Log entry created' }).click()
    await expect(embed).toContainText('Work logged')
    await screenshot(page, 'preview-discord')
    await page.getByRole('combobox', { name: 'Endpoint' }).click()
    await page.getByRole('option', { name: 'Email (SMTP)' }).click()
    const email = page.getByTestId('preview-email')
    await expect(email).toContainText('maintainers@museum.example')
    await expect(page.frameLocator('iframe[title="Email preview"]').locator('body')).toContainText('Twilight Zone')
    await screenshot(page, 'preview-email')
    expect(discord.messages).toHaveLength(sent)
  })

  const failedId = await test.step('a rejected message flags the endpoint on the overview', async () => {
    discord.script(hook.id, { status: 404, body: { code: 10015, message: 'Unknown Webhook' } })
    const eventId = await pushEvent('problem_report.created')
    await openPage(page, 'Overview')
    await expect(page.getByRole('alert').filter({ hasText: `${name} needs attention` })).toBeVisible({ timeout: 15_000 })
    await expect(page.getByTestId('failed-24h')).toHaveText('1')
    await expect(page.getByTestId('deliveries-chart')).toHaveAttribute('role', 'img')
    await expect(page.getByRole('table', { name: 'Endpoint health' })).toContainText(name)
    await screenshot(page, 'overview')
    return eventId
  })

  await test.step('retry from the history: delivered, and the flag is gone', async () => {
    await openPage(page, 'Deliveries')
    const row = page.locator(`[data-event-id="${failedId}"]`)
    await expect(row).toHaveAttribute('data-status', 'failed')
    await row.getByRole('button').click()
    const drawer = page.getByRole('dialog', { name: 'Delivery' })
    await expect(drawer).toContainText('Unknown Webhook')
    await screenshot(page, 'delivery-detail')
    await drawer.getByRole('button', { name: 'Retry' }).click()
    await expect(drawer.getByTestId('attempt')).toHaveCount(2, { timeout: 15_000 })
    await page.keyboard.press('Escape')
    await expect(row).toHaveAttribute('data-status', 'delivered', { timeout: 15_000 })
    await openPage(page, 'Overview')
    await expect(page.getByRole('alert').filter({ hasText: 'needs attention' })).toHaveCount(0)
  })

  await test.step('search the history by machine, then export what is shown as CSV', async () => {
    await pushEvent('log_entry.created') // Twilight Zone
    await openPage(page, 'Deliveries')
    await page.getByLabel('Search').fill('twilight')
    await expect(page.getByTestId('delivery-row')).toHaveCount(1, { timeout: 15_000 })
    await expect(page.getByTestId('delivery-row')).toContainText('Twilight Zone')
    await screenshot(page, 'deliveries')
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()])
    expect(download.suggestedFilename()).toMatch(/^knocker-deliveries-.*\.csv$/)
    const csv = readFileSync(await download.path(), 'utf8')
    const lines = csv.trimEnd().split('\r\n')
    expect(lines[0]).toMatch(/^delivery_id,created_at,event_id,event,summary/)
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain('Twilight Zone')
    for (const secret of secrets) expect(csv).not.toContain(secret)
    await expect(page.getByRole('status').filter({ hasText: '1 row exported' })).toBeVisible()
  })

  await test.step('settings: retention and the data folder', async () => {
    await openPage(page, 'Settings')
    await expect(page.getByText(shell.dataDir)).toBeVisible()
    const keep = page.getByLabel('Keep history for (days)')
    await keep.fill('14')
    await page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(async () => (await adminGet<Settings>('/api/settings')).retention_days).toBe(14)
    await screenshot(page, 'settings')
    await expectNoSecrets(page, secrets)
  })

  await test.step('dark mode follows the operating system', async () => {
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.reload()
    await expect(page.getByRole('heading', { level: 2, name: 'Settings' })).toBeVisible()
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark')
    await openPage(page, 'Overview')
    await screenshot(page, 'overview-dark')
  })
})
