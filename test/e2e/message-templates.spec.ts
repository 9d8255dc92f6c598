// Message templates in the console against the real headless shell and a local Discord mock:
// in the Edit endpoint form, a title template changes the live preview before anything is
// saved, an unknown placeholder is shown under the field, and after saving a test send
// reaches the mock with the templated message.
import { expect, test } from '@playwright/test'
import type { EndpointView } from '../../src/shared/contracts'
import type { DiscordMock } from '../mocks/discordMock'
import type { HeadlessShell } from './headlessShell'
import { useShellWithDiscordMock } from './shellWithDiscordMock'
import { adminGet } from './shellRequests'

let shell: HeadlessShell
let discord: DiscordMock

useShellWithDiscordMock((both) => ({ shell, discord } = both))

const endpointNamed = async (name: string) =>
  (await adminGet<{ endpoints: EndpointView[] }>(shell, '/api/endpoints')).endpoints.find((e) => e.name === name)!

test('a title template shows in the preview before saving, and a test send carries it', async ({ page }) => {
  test.setTimeout(90_000)
  const hook = discord.addWebhook()
  const name = 'Floor Discord'

  await page.goto(`${shell.url}/#token=${shell.adminToken}`)
  await page.getByRole('navigation').getByRole('link', { name: /^Endpoints/ }).click()
  await page.getByRole('button', { name: 'Add endpoint' }).click()
  const add = page.getByRole('dialog', { name: 'Add endpoint' })
  await add.getByLabel('Name').fill(name)
  await add.getByLabel('Webhook URL').fill(hook.url)
  await add.getByRole('button', { name: 'Add endpoint' }).click()
  await expect(add).toBeHidden()

  await page.getByRole('button', { name: `Actions for ${name}` }).click()
  await page.getByRole('menuitem', { name: 'Edit' }).click()
  const dialog = page.getByRole('dialog', { name: 'Edit endpoint' })
  const preview = dialog.getByTestId('draft-preview')

  await test.step('the preview starts as today’s message', async () => {
    await expect(preview.getByTestId('preview-discord')).toContainText('Eight Ball Deluxe — New problem report')
    await expect(preview).toContainText('Reported by')
  })

  await test.step('typing a title, and hiding the reporter, change the preview; nothing is saved', async () => {
    await dialog.getByTestId('message-title').fill('{machine.display_name} needs a look ({problem_report.priority_label})')
    await expect(preview.getByTestId('preview-discord')).toContainText('Eight Ball Deluxe needs a look (Untriaged)')
    await dialog.getByTestId('message-fields-switch').click()
    await dialog.getByRole('checkbox', { name: 'Reported by' }).uncheck()
    await expect(preview).not.toContainText('Reported by')
    expect((await endpointNamed(name)).options.messages).toBeUndefined()
  })

  await test.step('an unknown placeholder is named under the field, and the preview keeps the last good message', async () => {
    const title = dialog.getByTestId('message-title')
    await title.fill('{machine.nickname}')
    await expect(dialog.getByText(/unknown placeholder \{machine\.nickname\}/)).toBeVisible()
    await expect(preview).toContainText('Fix the template to update the preview')
    await expect(preview.getByTestId('preview-discord')).toContainText('Eight Ball Deluxe needs a look (Untriaged)')
    await title.fill('{machine.display_name} needs a look ({problem_report.priority_label})')
    await expect(preview).not.toContainText('Fix the template')
  })

  await test.step('save, then Send test: the mock receives the templated message', async () => {
    await dialog.getByRole('button', { name: 'Save changes' }).click()
    await expect(dialog).toBeHidden()
    const saved = await endpointNamed(name)
    expect(saved.options.messages).toEqual({
      'problem_report.created': {
        fields: ['location', 'problem_type', 'priority', 'description'],
        title: '{machine.display_name} needs a look ({problem_report.priority_label})',
      },
    })
    const row = page.getByRole('row').filter({ hasText: name })
    await row.getByRole('button', { name: 'Send test' }).click()
    await expect(row.getByRole('status')).toHaveText(/✓ delivered/, { timeout: 20_000 })
    const message = discord.messages.find((m) => m.webhookId === hook.id)!
    const embed = (message.body.embeds as Array<{ title: string; fields: Array<{ name: string }> }>)[0]
    expect(embed.title).toBe('[TEST] Eight Ball Deluxe needs a look (Untriaged)')
    expect(embed.fields.map((f) => f.name)).toEqual(['Location', 'Problem type', 'Priority'])
  })
})

test('a new endpoint can be customised while it is added, with the preview of its kind', async ({ page }) => {
  test.setTimeout(60_000)
  const hook = discord.addWebhook()
  const name = 'Workshop Slack-like Discord'

  await page.goto(`${shell.url}/#token=${shell.adminToken}`)
  await page.getByRole('navigation').getByRole('link', { name: /^Endpoints/ }).click()
  await page.getByRole('button', { name: 'Add endpoint' }).click()
  const add = page.getByRole('dialog', { name: 'Add endpoint' })
  const preview = add.getByTestId('draft-preview')
  await add.getByLabel('Name').fill(name)
  await add.getByLabel('Webhook URL').fill(hook.url)
  await expect(preview.getByTestId('preview-discord')).toContainText('Eight Ball Deluxe — New problem report')
  await add.getByTestId('message-title').fill('Look at {machine.short_name}')
  await expect(preview.getByTestId('preview-discord')).toContainText('Look at')
  expect(await endpointNamed(name)).toBeUndefined()

  await add.getByRole('button', { name: 'Add endpoint' }).click()
  await expect(add).toBeHidden()
  expect((await endpointNamed(name)).options.messages).toEqual({ 'problem_report.created': { title: 'Look at {machine.short_name}' } })
})
