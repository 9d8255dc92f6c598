// Discord-compatible sources in the console: create one on the Events & sources page, copy its
// URL (shown once), let an app post to it, narrow who gets what, rotate the token and delete it.
import { expect, test, type Page } from '@playwright/test'
import type { DiscordMock } from '../mocks/discordMock'
import type { HeadlessShell } from './headlessShell'
import { useShellWithDiscordMock } from './shellWithDiscordMock'

let shell: HeadlessShell
let discord: DiscordMock

useShellWithDiscordMock((both) => ({ shell, discord } = both))

async function openSources(page: Page) {
  await page.getByRole('navigation').getByRole('link', { name: /^Events & sources/ }).click()
  await expect(page.getByRole('heading', { level: 2, name: 'Events & sources' })).toBeVisible()
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

test('create a source, post to it like Discord, route it, rotate its token, delete it', async ({ page }) => {
  test.setTimeout(60_000)
  const hook = discord.addWebhook()
  const created = await fetch(`${shell.url}/api/endpoints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${shell.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Maintainers channel', kind: 'discord', url: hook.url }),
  })
  expect(created.status).toBe(201)

  await page.goto(`${shell.url}/#token=${shell.adminToken}`)
  await openSources(page)
  const section = page.getByRole('heading', { level: 4, name: 'Discord-compatible sources' }).locator('..')

  let url = ''
  await test.step('create it: the full URL is shown once', async () => {
    await section.getByLabel('New source').fill('Flipfix')
    await section.getByRole('button', { name: 'Create URL' }).click()
    const dialog = page.getByRole('dialog', { name: 'Source created' })
    url = (await dialog.getByTestId('relay-source-url').textContent()) ?? ''
    expect(url).toMatch(new RegExp(`^${shell.url}/api/webhooks/\\d{17,19}/[A-Za-z0-9_-]{68}$`))
    await dialog.getByRole('button', { name: 'Done' }).click()
    await expect(dialog).toBeHidden()
    const card = page.getByTestId('relay-source')
    await expect(card).toContainText('Flipfix')
    await expect(card).toContainText('delivered to Maintainers channel')
    // Afterwards the token is redacted.
    expect(await page.content()).not.toContain(url.split('/').at(-1)!)
  })

  await test.step('an app posts to it; the message reaches Discord and the count moves', async () => {
    const res = await post(`${url}?wait=true`, { embeds: [{ title: '⚠️ Eight Ball Deluxe', description: 'Left flipper flaky\n\n— Anonymous' }] })
    expect(res.status).toBe(200)
    await discord.waitForMessages(1)
    await expect(page.getByTestId('relay-source')).toContainText('1 message received')
  })

  await test.step('narrow the subscription to the nightly report only', async () => {
    await page.getByTestId('relay-source').getByRole('button', { name: 'Edit' }).click()
    const dialog = page.getByRole('dialog', { name: 'Edit Flipfix' })
    const labels = dialog.getByRole('combobox', { name: 'Messages Maintainers channel gets' })
    await expect(labels).toBeVisible()
    // Remove every label but the nightly report.
    for (const name of ['Flipfix problem report', 'Flipfix log entry', 'Flipfix digest', 'Relayed message']) {
      await dialog.locator('.mantine-Pill-root', { hasText: name }).locator('.mantine-Pill-remove').click()
    }
    await dialog.getByRole('button', { name: 'Save' }).click()
    await expect(dialog).toBeHidden()
    expect((await post(url, { embeds: [{ title: '⚠️ Roto Pool' }] })).status).toBe(204)
    expect((await post(url, { content: 'Front of House …\n🔗 https://flipfix.theflip.museum/logs/daily-report/' })).status).toBe(204)
    await discord.waitForMessages(2)
    await new Promise((r) => setTimeout(r, 500))
    expect(discord.messages.map((m) => m.body.content ?? (m.body.embeds as any[])[0].title)).toEqual([
      '⚠️ Eight Ball Deluxe',
      'Front of House …\n🔗 https://flipfix.theflip.museum/logs/daily-report/',
    ])
  })

  await test.step('rotate the token: the old URL stops working', async () => {
    await page.getByRole('button', { name: 'Rotate the token of Flipfix' }).click()
    const dialog = page.getByRole('dialog', { name: 'New URL' })
    const fresh = (await dialog.getByTestId('relay-source-url').textContent()) ?? ''
    expect(fresh).not.toBe(url)
    await dialog.getByRole('button', { name: 'Done' }).click()
    expect((await post(url, { content: 'old' })).status).toBe(401)
    expect((await post(fresh, { content: 'new' })).status).toBe(204)
    url = fresh
  })

  await test.step('delete it: Discord clients get "Unknown Webhook"', async () => {
    await page.getByRole('button', { name: 'Delete Flipfix' }).click()
    await page.getByRole('dialog', { name: 'Delete this source?' }).getByRole('button', { name: 'Delete source' }).click()
    await expect(page.getByTestId('relay-source')).toHaveCount(0)
    const res = await post(url, { content: 'gone' })
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ code: 10015, message: 'Unknown Webhook' })
  })
})
