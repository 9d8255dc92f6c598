// The admin UI against the real headless shell and a local Discord mock: add an endpoint, send a
// test, watch a pushed event get delivered, switch things off, and sign in with a wrong token.
import { expect, test, type Page } from '@playwright/test'
import type { EndpointView, Settings } from '../../src/shared/contracts'
import type { DiscordMock } from '../mocks/discordMock'
import type { EventType } from '../../src/shared/events'
import type { HeadlessShell } from './headlessShell'
import { useShellWithDiscordMock } from './shellWithDiscordMock'
import { adminGet as adminGetFrom, pushEvent as pushEventTo } from './shellRequests'

let shell: HeadlessShell
let discord: DiscordMock

useShellWithDiscordMock((both) => ({ shell, discord } = both))

const adminGet = <T>(path: string) => adminGetFrom<T>(shell, path)
const pushEvent = (type?: EventType) => pushEventTo(shell, type)

async function openPage(page: Page, name: 'Overview' | 'Endpoints' | 'Deliveries' | 'Events & sources') {
  await page.getByRole('navigation').getByRole('link', { name: new RegExp(`^${name}`) }).click()
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible()
}

const deliveryRow = (page: Page, eventId: string) =>
  page.getByTestId('delivery-row').and(page.locator(`[data-event-id="${eventId}"]`))

test('add a Discord endpoint, test it, see deliveries, switch things off', async ({ page }) => {
  test.setTimeout(90_000)
  const hook = discord.addWebhook()
  const name = 'Workshop Discord'

  await test.step('sign in with the token from the URL fragment, which then leaves the address bar', async () => {
    await page.goto(`${shell.url}/#token=${shell.adminToken}`)
    await expect(page.getByRole('heading', { level: 2, name: 'Overview' })).toBeVisible()
    expect(page.url()).not.toContain(shell.adminToken)
    await expect(page.getByText('Delivering notifications')).toBeVisible()
  })

  await test.step('add the endpoint through the form', async () => {
    await openPage(page, 'Endpoints')
    await page.getByRole('button', { name: 'Add endpoint' }).click()
    const dialog = page.getByRole('dialog', { name: 'Add endpoint' })
    await dialog.getByLabel('Name').fill(name)
    await dialog.getByLabel('Webhook URL').fill(hook.url)
    await expect(dialog.getByRole('checkbox', { name: 'Problem report created' })).toBeChecked()
    await dialog.getByRole('button', { name: 'Add endpoint' }).click()
    await expect(dialog).toBeHidden()
  })

  const row = page.getByRole('row').filter({ hasText: name })
  await test.step('the table shows it with a redacted target, never the webhook token', async () => {
    await expect(row).toBeVisible()
    await expect(row.getByTestId('endpoint-target')).not.toBeEmpty()
    await expect(row.getByTestId('endpoint-target')).not.toContainText(hook.token)
    await expect(row.getByRole('switch', { name: `${name} enabled` })).toBeChecked()
    expect(await page.content()).not.toContain(hook.token)
  })

  await test.step('Send test delivers one [TEST] embed and says so inline', async () => {
    await row.getByRole('button', { name: 'Send test' }).click()
    await expect(row.getByRole('status')).toHaveText(/✓ delivered in \d+ ms/, { timeout: 20_000 })
    const [message] = await discord.waitForMessages(1, 10_000)
    expect(discord.messages).toHaveLength(1)
    expect(message.webhookId).toBe(hook.id)
    const embeds = message.body.embeds as Array<{ title?: string }>
    expect(embeds).toHaveLength(1)
    expect(embeds[0].title).toContain('[TEST]')
  })

  const deliveredId = await test.step('a pushed event is listed as delivered, attempt HTTP 200', async () => {
    const eventId = await pushEvent()
    await openPage(page, 'Deliveries')
    const item = deliveryRow(page, eventId)
    // The list refetches every 2 s: no reload needed for the new delivery to appear and settle.
    await expect(item).toHaveAttribute('data-status', 'delivered', { timeout: 20_000 })
    await expect(item).toContainText('Delivered')
    await expect(item).toContainText(name)
    await item.getByRole('button').click()
    const drawer = page.getByRole('dialog', { name: 'Delivery' })
    const attempt = drawer.getByTestId('attempt').first()
    await expect(attempt).toContainText('HTTP 200')
    await expect(attempt).toContainText('delivered')
    await attempt.getByRole('button', { name: 'Request body' }).click()
    const requestBody = attempt.getByRole('region', { name: 'Request body' })
    await expect(requestBody).toBeVisible()
    await expect(requestBody).toContainText('"embeds"')
    await page.keyboard.press('Escape')
    await expect(drawer).toBeHidden()
    await discord.waitForMessages(2, 10_000)
    return eventId
  })
  expect(deliveredId).toBeTruthy()

  await test.step('switching the endpoint off in the table disables it in the API', async () => {
    await openPage(page, 'Endpoints')
    const toggle = row.getByRole('switch', { name: `${name} enabled` })
    await toggle.press('Space')
    await expect(toggle).not.toBeChecked()
    await expect
      .poll(async () => (await adminGet<{ endpoints: EndpointView[] }>('/api/endpoints')).endpoints.find((e) => e.name === name)?.enabled)
      .toBe(false)
    // Back on, so the next step proves the master switch alone holds the event back.
    await toggle.press('Space')
    await expect(toggle).toBeChecked()
    await expect
      .poll(async () => (await adminGet<{ endpoints: EndpointView[] }>('/api/endpoints')).endpoints.find((e) => e.name === name)?.enabled)
      .toBe(true)
  })

  await test.step('with the master switch off a new event is recorded as suppressed', async () => {
    await openPage(page, 'Events & sources')
    const master = page.getByRole('switch', { name: 'Deliver notifications' })
    await expect(master).toBeChecked()
    await master.press('Space')
    await expect(master).not.toBeChecked()
    await expect.poll(async () => (await adminGet<Settings>('/api/settings')).delivery_enabled).toBe(false)
    await expect(page.getByText('Paused: master switch off')).toBeVisible()

    const eventId = await pushEvent()
    await openPage(page, 'Deliveries')
    const item = deliveryRow(page, eventId)
    await expect(item).toHaveAttribute('data-status', 'suppressed', { timeout: 15_000 })
    await expect(item).toContainText('Suppressed')
    await expect(item).toContainText(/master switch/i)
    expect(discord.messages).toHaveLength(2)
  })
})

test('a wrong token shows the sign-in form, and the right one gets in', async ({ page }) => {
  await page.goto(`${shell.url}/#token=not-the-admin-token`)
  await expect(page.getByRole('alert').filter({ hasText: 'Token not accepted' })).toBeVisible()
  const field = page.getByLabel('Admin token')
  await expect(field).toBeVisible()
  await expect(page.getByText('credentials.json')).toBeVisible()
  expect(page.url()).not.toContain('not-the-admin-token')

  await field.fill('still-wrong-token')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'Token not accepted' })).toBeVisible()

  await field.fill(shell.adminToken)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('heading', { level: 2, name: 'Overview' })).toBeVisible()
})

test('the morning report: set in the form, sent now from the edit dialog, previewed', async ({ page }) => {
  test.setTimeout(60_000)
  const hook = discord.addWebhook()
  const name = 'Morning crew'
  // The test before leaves the master switch off.
  const on = await fetch(`${shell.url}/api/settings`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${shell.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ delivery_enabled: true }),
  })
  expect(on.status).toBe(200)
  await page.goto(`${shell.url}/#token=${shell.adminToken}`)
  await pushEvent('machine.status_changed') // Roto Pool: Good → Broken

  await test.step('the endpoint form sets the morning report and its time', async () => {
    await openPage(page, 'Endpoints')
    await page.getByRole('button', { name: 'Add endpoint' }).click()
    const dialog = page.getByRole('dialog', { name: 'Add endpoint' })
    await dialog.getByLabel('Name').fill(name)
    await dialog.getByLabel('Webhook URL').fill(hook.url)
    await dialog.getByTestId('morning-report-switch').check()
    await dialog.getByLabel('Morning report at').fill('07:30')
    await dialog.getByRole('button', { name: 'Add endpoint' }).click()
    await expect(dialog).toBeHidden()
    await expect(page.getByRole('row').filter({ hasText: name })).toContainText('morning report at 07:30')
    const stored = (await adminGet<{ endpoints: EndpointView[] }>('/api/endpoints')).endpoints.find((e) => e.name === name)
    expect(stored?.options.morning_report).toEqual({ enabled: true, time: '07:30' })
  })

  await test.step('"Send morning report now" in the edit dialog queues one, and it arrives', async () => {
    const before = discord.messages.length
    await page.getByRole('button', { name: `Actions for ${name}` }).click()
    await page.getByRole('menuitem', { name: 'Edit' }).click()
    const edit = page.getByRole('dialog', { name: 'Edit endpoint' })
    await expect(edit.getByLabel('Morning report at')).toHaveValue('07:30')
    await edit.getByRole('button', { name: 'Send morning report now' }).click()
    await expect(edit.getByRole('status')).toContainText('morning report queued')
    const messages = await discord.waitForMessages(before + 1, 10_000)
    const report = messages.at(-1)!
    expect(report.webhookId).toBe(hook.id)
    expect(String(report.body.content)).toContain('Morning report')
    expect(JSON.stringify(report.body.embeds)).toContain('Roto Pool')
    await page.keyboard.press('Escape')
    await expect(edit).toBeHidden()
  })

  await test.step('the message preview shows the morning report', async () => {
    const sent = discord.messages.length
    await page.getByRole('navigation').getByRole('link', { name: /^Message preview/ }).click()
    await page.getByRole('combobox', { name: 'Event' }).click()
    await page.getByRole('option', { name: 'Morning report' }).click()
    await expect(page.getByTestId('preview-discord')).toContainText('Machine health by zone')
    await expect(page.getByTestId('preview-discord')).toContainText('Roto Pool')
    expect(discord.messages).toHaveLength(sent)
  })
})
