// Routing rules in the console, against the real headless shell and the Discord mock: a
// workshop channel made with a "zone is workshop" rule (a rule that can never match refused
// first), "Who gets this?" for a sample and a pasted event, then real events: the workshop's
// mock gets only workshop machines' events, the front desk's only the others, the history
// says which rule each one matched, and a test send goes to the workshop's mock alone.
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import type { EndpointView } from '../../src/shared/contracts'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import type { DiscordMock } from '../mocks/discordMock'
import type { HeadlessShell } from './headlessShell'
import { useShellWithDiscordMock } from './shellWithDiscordMock'
import { adminGet, pushEvent } from './shellRequests'

let shell: HeadlessShell
let discord: DiscordMock

useShellWithDiscordMock((both) => ({ shell, discord } = both))

async function openPage(page: Page, name: 'Endpoints' | 'Deliveries' | 'Who gets this?') {
  await page.getByRole('navigation').getByRole('link', { name: new RegExp(`^${name.replace('?', '\\?')}`) }).click()
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible()
}

/** Picks an option of a Mantine Select/MultiSelect, then closes its list by clicking `away`. */
async function pick(page: Page, input: ReturnType<Page['getByRole']>, option: string, away: ReturnType<Page['getByRole']>) {
  await input.click()
  await page.getByRole('option', { name: option, exact: true }).click()
  await away.click()
}

const endpointsNamed = async (name: string) =>
  (await adminGet<{ endpoints: EndpointView[] }>(shell, '/api/endpoints')).endpoints.find((e) => e.name === name)

test('a workshop channel with a zone rule gets only workshop machines’ events', async ({ page }) => {
  test.setTimeout(90_000)
  const workshopHook = discord.addWebhook()
  const frontHook = discord.addWebhook()
  // The front desk's endpoint, made through the API: every event type, front zone only.
  const front = await fetch(`${shell.url}/api/endpoints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${shell.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Front desk', kind: 'discord', url: frontHook.url, rules: [{ zones: ['front'] }] }),
  })
  expect(front.status).toBe(201)

  await page.goto(`${shell.url}/#token=${shell.adminToken}`)
  await expect(page.getByRole('heading', { level: 2, name: 'Overview' })).toBeVisible()

  await test.step('a rule that can never match is refused, saying why, and nothing is added', async () => {
    await openPage(page, 'Endpoints')
    await page.getByRole('button', { name: 'Add endpoint' }).click()
    const dialog = page.getByRole('dialog', { name: 'Add endpoint' })
    await dialog.getByLabel('Name').fill('Workshop channel')
    await dialog.getByLabel('Webhook URL').fill(workshopHook.url)
    const rules = dialog.getByTestId('routing-rules')
    await expect(rules).toContainText('None: this endpoint gets every event of the types above')
    await rules.getByRole('button', { name: 'Add a rule' }).click()
    const rule = rules.getByRole('region', { name: 'Rule 1' })
    await expect(rule.getByRole('alert')).toHaveText(/a rule needs at least one condition/)
    await pick(page, rule.getByRole('combobox', { name: 'Add a condition to rule 1' }), 'Problem priorities', dialog.getByLabel('Name'))
    await pick(page, rule.getByRole('combobox', { name: 'Problem priorities' }), 'Unplayable', dialog.getByLabel('Name'))
    // Only machine events: a priority can never match. Said at once, and by the core on save.
    for (const type of ['Problem report created', 'Problem report closed', 'Problem report reopened']) {
      await dialog.getByRole('checkbox', { name: type }).uncheck()
    }
    await expect(rule.getByRole('alert')).toHaveText(/Rule 1 \("priority is unplayable"\) can never match: priority, problem type and reporter only apply to problem report events/)
    await dialog.getByRole('button', { name: 'Add endpoint' }).click()
    await expect(dialog.getByRole('alert').filter({ hasText: 'The endpoint was not added' })).toContainText('rules.0')
    expect(await endpointsNamed('Workshop channel')).toBeUndefined()

    // Make it the workshop's rule: every event type back, the priority replaced by the zone.
    for (const type of ['Problem report created', 'Problem report closed', 'Problem report reopened']) {
      await dialog.getByRole('checkbox', { name: type }).check()
    }
    await rule.getByRole('button', { name: 'Remove problem priorities from rule 1' }).click()
    await pick(page, rule.getByRole('combobox', { name: 'Add a condition to rule 1' }), 'Zones', dialog.getByLabel('Name'))
    await pick(page, rule.getByRole('combobox', { name: 'Zones' }), 'Workshop', dialog.getByLabel('Name'))
    await expect(rule.getByTestId('rule-description')).toHaveText('— when zone is workshop')
    await expect(rule.getByRole('alert')).toHaveCount(0)
    const audit = await new AxeBuilder({ page }).include('[role="dialog"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
    expect(audit.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([])
    await dialog.getByRole('button', { name: 'Add endpoint' }).click()
    await expect(dialog).toBeHidden()
    await expect(page.getByRole('row').filter({ hasText: 'Workshop channel' })).toContainText('only when zone is workshop')
    expect((await endpointsNamed('Workshop channel'))?.rules).toEqual([{ zones: ['workshop'] }])
  })

  const workshopId = (await endpointsNamed('Workshop channel'))!.id
  const frontId = (await endpointsNamed('Front desk'))!.id

  await test.step('"Who gets this?" for a sample: the workshop channel, because of its rule; not the front desk', async () => {
    await openPage(page, 'Who gets this?')
    await pick(page, page.getByRole('combobox', { name: 'Sample event' }), 'Log entry created — Twilight Zone, Workshop (workshop)', page.getByRole('heading', { level: 2 }))
    await expect(page.getByRole('status').filter({ hasText: 'Twilight Zone: log entry #4842' })).toContainText('1 of 2 endpoints would get it.')
    const workshopRow = page.getByTestId(`routing-${workshopId}`)
    await expect(workshopRow).toContainText('Gets it')
    await expect(workshopRow).toContainText('Subscribed, and a rule matched: zone is workshop')
    const frontRow = page.getByTestId(`routing-${frontId}`)
    await expect(frontRow).toContainText('No rule matched')
    await expect(frontRow).toContainText('Rule 1 wants zone is front (this event: workshop)')
    const audit = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
    expect(audit.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([])
  })

  await test.step('"Who gets this?" for a pasted event: bad JSON and a broken event are explained, a moved machine is routed', async () => {
    await page.locator('label', { hasText: 'Paste an event' }).click()
    await expect(page.getByRole('radio', { name: 'Paste an event' })).toBeChecked()
    const json = page.getByRole('textbox', { name: /Event \(JSON/ })
    await json.fill('{"event": ')
    await page.getByRole('button', { name: 'Check' }).click()
    await expect(page.getByText(/^Not JSON:/)).toBeVisible()

    const broken = { ...SAMPLE_EVENTS['problem_report.created'], machine: { ...SAMPLE_EVENTS['problem_report.created'].machine, asset_id: 23 } }
    await json.fill(JSON.stringify(broken))
    await page.getByRole('button', { name: 'Check' }).click()
    const alert = page.getByRole('alert').filter({ hasText: 'The event could not be checked' })
    await expect(alert).toContainText('The event is invalid')
    await expect(alert).toContainText('event.machine.asset_id')

    // Eight Ball Deluxe's report, with the machine in the workshop.
    const moved = structuredClone(SAMPLE_EVENTS['problem_report.created'])
    moved.machine.location = { name: 'Workshop', slug: 'workshop', zone: 'workshop' }
    await json.fill(JSON.stringify(moved, null, 2))
    await page.getByRole('button', { name: 'Check' }).click()
    await expect(page.getByTestId(`routing-${workshopId}`)).toContainText('Gets it')
    await expect(page.getByTestId(`routing-${frontId}`)).toContainText('Rule 1 wants zone is front (this event: workshop)')
  })

  await test.step('real events: the workshop mock gets only the workshop machine’s, the front desk’s only the front’s; a delivery opens "Who gets this?" with its event', async () => {
    const workshopEvent = await pushEvent(shell, 'log_entry.created') // Twilight Zone, Workshop
    const frontEvent = await pushEvent(shell, 'problem_report.created') // Eight Ball Deluxe, Museum (front)
    await discord.waitForMessages(2, 15_000)
    await new Promise((r) => setTimeout(r, 300)) // nothing else arrives
    const at = (hook: { id: string }) => discord.messages.filter((m) => m.webhookId === hook.id).map((m) => (m.body.embeds as Array<{ title: string }>)[0].title)
    expect(at(workshopHook)).toEqual(['Twilight Zone — Work logged'])
    expect(at(frontHook)).toEqual(['Eight Ball Deluxe — New problem report'])

    await openPage(page, 'Deliveries')
    const row = (eventId: string) => page.getByTestId('delivery-row').and(page.locator(`[data-event-id="${eventId}"]`))
    await expect(row(workshopEvent)).toHaveAttribute('data-status', 'delivered', { timeout: 15_000 })
    await expect(row(workshopEvent).getByTestId('delivery-why')).toHaveText('matched: zone is workshop')
    await expect(row(frontEvent).getByTestId('delivery-why')).toHaveText('matched: zone is front')
    await expect(page.getByTestId('delivery-row')).toHaveCount(2)

    // From a delivery's detail to "Who gets this?" with its event.
    await row(workshopEvent).getByRole('button').click()
    await page.getByRole('dialog', { name: 'Delivery' }).getByRole('link', { name: 'Who gets this event, and why?' }).click()
    await expect(page.getByRole('heading', { level: 2, name: 'Who gets this?' })).toBeVisible()
    await expect(page.getByRole('textbox', { name: /Event \(JSON/ })).toHaveValue(new RegExp(workshopEvent))
    await expect(page.getByTestId(`routing-${workshopId}`)).toContainText('Gets it')
    await expect(page.getByTestId(`routing-${frontId}`)).toContainText('No rule matched')
  })

  await test.step('a test send from the table reaches the workshop’s mock and no other', async () => {
    await openPage(page, 'Endpoints')
    const row = page.getByRole('row').filter({ hasText: 'Workshop channel' })
    await row.getByRole('button', { name: 'Send test' }).click()
    await expect(row.getByRole('status')).toHaveText(/✓ delivered in \d+ ms/, { timeout: 20_000 })
    const [, , test] = await discord.waitForMessages(3, 10_000)
    expect(test.webhookId).toBe(workshopHook.id)
    expect(discord.messages.filter((m) => m.webhookId === frontHook.id)).toHaveLength(1)
  })
})
