// The console runs under a CSP without 'unsafe-eval' (the same policy in Electron). Nothing in
// it may trip the policy: a violation is an error in the desktop app's console and a feature
// that silently does less (zod's compiled parser probe was one).
import { expect, test } from '@playwright/test'
import { startHeadlessShell, type HeadlessShell } from './headlessShell'

let shell: HeadlessShell

test.beforeAll(async () => {
  shell = await startHeadlessShell()
})
test.afterAll(async () => {
  await shell?.stop()
})

test('no page or dialog of the console violates the content security policy', async ({ page }) => {
  await page.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { cspViolations: string[] }).cspViolations = seen
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective}: ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`))
  })
  const consoleViolations: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) consoleViolations.push(message.text())
  })

  await page.goto(`${shell.url}/#token=${shell.adminToken}`)
  await expect(page.getByRole('heading', { level: 2, name: 'Overview' })).toBeVisible()
  for (const name of ['Endpoints', 'Events & sources', 'Deliveries', 'Message preview', 'Settings']) {
    await page.getByRole('navigation').getByRole('link', { name: new RegExp(`^${name}`) }).click()
    await expect(page.getByRole('heading', { level: 2, name })).toBeVisible()
  }
  // A form that validates with the shared zod schemas.
  await page.getByRole('navigation').getByRole('link', { name: /^Endpoints/ }).click()
  await page.getByRole('button', { name: 'Add endpoint' }).first().click()
  const dialog = page.getByRole('dialog', { name: 'Add endpoint' })
  await dialog.getByLabel('Name').fill('CSP check')
  await dialog.getByRole('button', { name: 'Add endpoint' }).click()
  await expect(dialog).toBeVisible() // refused: no URL

  const violations = await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)
  expect(violations).toEqual([])
  expect(consoleViolations).toEqual([])
})
