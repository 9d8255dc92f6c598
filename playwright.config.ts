import { defineConfig } from '@playwright/test'
import { currentHost, findChromium } from './scripts/test-prerequisites'

// End-to-end tests run the BUILT headless shell (`npx electron-vite build` first) in the
// Chromium that scripts/test-prerequisites.ts found or installed: CHROMIUM_PATH, Debian's
// /usr/bin/chromium, or Playwright's own (undefined here: Playwright finds it itself).
const chromium = findChromium(currentHost())

export default defineConfig({
  testDir: 'test/e2e',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  use: {
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: chromium?.path,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--disable-quic',
            '--no-first-run',
          ],
        },
      },
    },
  ],
})
