// The admin UI's non-Discord endpoint kinds against the real headless shell: a signed webhook
// pointing at a tiny local receiver (its signing secret is shown exactly once, then never again;
// edit its name; rotate the secret) and an email endpoint whose row shows its SMTP host and
// recipients.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, test, type Page } from '@playwright/test'
import type { EndpointView } from '../../src/shared/contracts'
import { startHeadlessShell, type HeadlessShell } from './headlessShell'

interface Received {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

/** A receiver that answers 200 to everything and remembers what it got. */
async function startReceiver(): Promise<{ url: string; requests: Received[]; close: () => Promise<void> }> {
  const requests: Received[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks/knocker`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

let shell: HeadlessShell
let receiver: Awaited<ReturnType<typeof startReceiver>>

test.beforeAll(async () => {
  receiver = await startReceiver()
  shell = await startHeadlessShell()
})

test.afterAll(async () => {
  await shell?.stop()
  await receiver?.close()
})

async function listEndpoints(): Promise<{ text: string; endpoints: EndpointView[] }> {
  const res = await fetch(`${shell.url}/api/endpoints`, { headers: { authorization: `Bearer ${shell.adminToken}` } })
  expect(res.status).toBe(200)
  const text = await res.text()
  return { text, endpoints: (JSON.parse(text) as { endpoints: EndpointView[] }).endpoints }
}

async function openEndpoints(page: Page) {
  await page.getByRole('navigation').getByRole('link', { name: /^Endpoints/ }).click()
  await expect(page.getByRole('heading', { level: 2, name: 'Endpoints' })).toBeVisible()
}

const endpointRow = (page: Page, name: string) =>
  page.getByRole('table', { name: 'Endpoints' }).getByRole('row').filter({ has: page.getByText(name, { exact: true }) })

const secretDialog = (page: Page) => page.getByRole('dialog', { name: 'Signing secret', exact: true })

/** Reads the secret from its dialog, checks it is offered for copying, and closes the dialog. */
async function takeSecret(page: Page): Promise<string> {
  const dialog = secretDialog(page)
  await expect(dialog).toBeVisible()
  const shown = dialog.getByTestId('signing-secret')
  await expect(shown).toHaveText(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/)
  await expect(dialog.getByRole('button', { name: 'Copy' })).toBeVisible()
  await expect(dialog).toContainText(/won't be shown again/)
  const secret = (await shown.textContent())!.trim()
  await dialog.getByRole('button', { name: "I've stored it" }).click()
  await expect(dialog).toBeHidden()
  return secret
}

test('signed webhook: secret shown once, edit, rotate; email endpoint shows SMTP host and recipients', async ({ page }) => {
  test.setTimeout(90_000)
  const hookName = 'Museum CRM'
  const renamed = 'Museum CRM (prod)'
  const headerValue = `header-value-${Date.now()}`
  const bearer = `bearer-token-${Date.now()}`

  await page.goto(`${shell.url}/#token=${shell.adminToken}`)
  await expect(page.getByRole('heading', { level: 2, name: 'Overview' })).toBeVisible()
  await openEndpoints(page)

  const secret = await test.step('add a signed webhook with a custom header and a bearer token', async () => {
    await page.getByRole('button', { name: 'Add endpoint' }).click()
    const dialog = page.getByRole('dialog', { name: 'Add endpoint' })
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill(hookName)
    await dialog.getByRole('radio', { name: 'Signed webhook' }).click()
    await expect(dialog.getByRole('radio', { name: 'Signed webhook' })).toBeChecked()
    await dialog.getByLabel('Receiver URL').fill(receiver.url)
    await dialog.getByRole('button', { name: 'Add header' }).click()
    await dialog.getByLabel('Header 1 name').fill('X-Museum')
    await dialog.getByLabel('Header 1 value').fill(headerValue)
    await dialog.getByRole('combobox', { name: 'Authentication' }).click()
    await page.getByRole('option', { name: 'Bearer token' }).click()
    await dialog.getByLabel('Bearer token').fill(bearer)
    await dialog.getByRole('button', { name: 'Add endpoint' }).click()
    await expect(dialog).toBeHidden()
    return takeSecret(page)
  })

  const row = endpointRow(page, hookName)
  await test.step('the secret is never shown again: not in the table, the page or the API', async () => {
    await expect(row).toBeVisible()
    await expect(row.getByTestId('kind-badge')).toHaveText('Signed webhook')
    await expect(row.getByTestId('endpoint-settings')).toContainText('X-Museum')
    await expect(secretDialog(page)).toHaveCount(0)
    await expect(page.locator('body')).not.toContainText('whsec_')
    for (const hidden of [secret, 'whsec_', headerValue, bearer]) expect(await page.content()).not.toContain(hidden)
    const api = await listEndpoints()
    for (const hidden of [secret, 'whsec_', headerValue, bearer]) expect(api.text).not.toContain(hidden)
    // Nor after a reload (the session survives it).
    await page.reload()
    await expect(row).toBeVisible()
    expect(await page.content()).not.toContain('whsec_')
  })

  await test.step('Send test reaches the receiver, signed, with the header and the token', async () => {
    await row.getByRole('button', { name: 'Send test' }).click()
    await expect(row.getByRole('status')).toHaveText(/✓ delivered in \d+ ms/, { timeout: 20_000 })
    await expect.poll(() => receiver.requests.length).toBeGreaterThanOrEqual(1)
    const [request] = receiver.requests
    expect(request.method).toBe('POST')
    expect(request.headers['webhook-signature']).toMatch(/v1,/)
    expect(request.headers['x-museum']).toBe(headerValue)
    expect(request.headers.authorization).toBe(`Bearer ${bearer}`)
  })

  await test.step('rename it through the edit dialog; the target stays as it was', async () => {
    const before = (await listEndpoints()).endpoints.find((e) => e.name === hookName)!
    await page.getByRole('button', { name: `Actions for ${hookName}` }).click()
    await page.getByRole('menuitem', { name: 'Edit' }).click()
    const dialog = page.getByRole('dialog', { name: 'Edit endpoint' })
    await expect(dialog.getByRole('region', { name: 'Current settings' })).toContainText('X-Museum')
    await expect(dialog.getByLabel('Receiver URL')).toHaveValue('')
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill(renamed)
    await dialog.getByRole('button', { name: 'Save changes' }).click()
    await expect(dialog).toBeHidden()
    await expect(endpointRow(page, renamed)).toBeVisible()
    const after = (await listEndpoints()).endpoints.find((e) => e.id === before.id)!
    expect(after.name).toBe(renamed)
    expect(after.target).toBe(before.target)
    expect(after.settings).toEqual(before.settings)
  })

  await test.step('rotate the signing secret: a new one, shown once', async () => {
    await page.getByRole('button', { name: `Actions for ${renamed}` }).click()
    await page.getByRole('menuitem', { name: 'Rotate signing secret' }).click()
    const dialog = page.getByRole('dialog', { name: 'Rotate signing secret' })
    await expect(dialog.getByLabel('Grace period (hours)')).toHaveValue('24')
    await expect(dialog).toContainText(/two signatures/)
    await dialog.getByRole('button', { name: 'Rotate secret' }).click()
    await expect(dialog).toBeHidden()
    const rotated = await takeSecret(page)
    expect(rotated).not.toBe(secret)
    await expect(page.locator('body')).not.toContainText('whsec_')
  })

  await test.step('add an email endpoint with two recipients; its row shows the host and recipients', async () => {
    const smtpPassword = `smtp-password-${Date.now()}`
    await page.getByRole('button', { name: 'Add endpoint' }).click()
    const dialog = page.getByRole('dialog', { name: 'Add endpoint' })
    // Every opening starts from an empty form: nothing typed for the webhook is left in it.
    await expect(dialog.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('')
    await expect(dialog.getByRole('radio', { name: 'Discord' })).toBeChecked()
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Board email')
    await dialog.getByRole('radio', { name: 'Email (SMTP)' }).click()
    await dialog.getByLabel('SMTP host').fill('smtp.example.org')
    await expect(dialog.getByRole('textbox', { name: 'Port' })).toHaveValue('587')
    await dialog.getByLabel('SMTP user').fill('knocker@museum.example')
    await dialog.getByLabel('SMTP password').fill(smtpPassword)
    await dialog.getByLabel('From').fill('Knocker <knocker@museum.example>')
    await dialog.getByLabel('Recipients').fill('ken@museum.example\nbarbie@museum.example')
    await expect(dialog).toContainText('2 recipients')
    await dialog.getByRole('button', { name: 'Add endpoint' }).click()
    await expect(dialog).toBeHidden()
    await expect(secretDialog(page)).toHaveCount(0)

    const emailRow = endpointRow(page, 'Board email')
    await expect(emailRow.getByTestId('kind-badge')).toHaveText('Email (SMTP)')
    await expect(emailRow).toContainText('smtp.example.org:587')
    const settings = emailRow.getByTestId('endpoint-settings')
    await expect(settings).toContainText('ken@museum.example, 1 more')
    await expect(settings).toHaveAttribute('data-recipients', '2')
    expect(await page.content()).not.toContain(smtpPassword)
  })
})
