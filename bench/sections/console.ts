// 7. The console: how much JavaScript its first page loads (gzipped, as a browser would fetch
// it compressed) and how long Chromium takes from navigation to the first page rendered with
// its data. The built console is served by the headless shell, as a person opens it.
import { gzipSync } from 'node:zlib'
import { chromium, type Browser } from '@playwright/test'
import { currentHost, findChromium } from '../../scripts/test-prerequisites'
import { createDiscordEndpoint, startBenchDiscord } from '../lib/discord'
import { atMost, fmt, type Row } from '../lib/report'
import type { Section } from '../lib/section'
import { ADMIN_TOKEN, startShell } from '../lib/shell'
import { median, round } from '../lib/stats'

const LOADS = 5
const TARGET_FIRST_PAGE_KB = 250

interface Load {
  /** Gzipped bytes of every script fetched until the first page was rendered. */
  js_gzip_bytes: number
  js_raw_bytes: number
  scripts: number
  /** Navigation start → the Overview's heading and its endpoint table are on screen. */
  first_render_ms: number
}

async function loadOnce(browser: Browser, url: string): Promise<Load> {
  const context = await browser.newContext()
  const page = await context.newPage()
  const scripts: Array<Promise<Buffer>> = []
  let rendered = false
  page.on('response', (response) => {
    if (!rendered && response.request().resourceType() === 'script') scripts.push(response.body())
  })
  await page.goto(`${url}/#token=${ADMIN_TOKEN}`)
  await page.getByRole('heading', { level: 2, name: 'Overview' }).waitFor()
  await page.getByRole('cell', { name: 'bench console' }).first().waitFor()
  rendered = true
  const first_render_ms = await page.evaluate(() => performance.now())
  const bodies = await Promise.all(scripts)
  await context.close()
  return {
    js_gzip_bytes: bodies.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0),
    js_raw_bytes: bodies.reduce((n, b) => n + b.length, 0),
    scripts: bodies.length,
    first_render_ms,
  }
}

export const consoleSection: Section = {
  name: 'console',
  title: '7. The console',
  async run(ctx) {
    const found = findChromium(currentHost())
    if (!found) throw new Error('no Chromium found (see scripts/test-prerequisites.ts)')
    const discord = await startBenchDiscord({ rateLimited: false })
    const shell = await startShell()
    const browser = await chromium.launch({ executablePath: found.path })
    try {
      await createDiscordEndpoint(shell.admin, discord.addWebhook().url, 'bench console')
      ctx.log(`console: ${LOADS} first loads of the Overview in Chromium, each in a fresh browser context`)
      const loads: Load[] = []
      for (let i = 0; i < LOADS; i++) loads.push(await loadOnce(browser, shell.url))
      const kb = median(loads.map((l) => l.js_gzip_bytes)) / 1024
      const rows: Row[] = [
        {
          measure: "first page's JavaScript (Overview), gzipped",
          knocker: `${kb.toFixed(0)} KB in ${loads[0].scripts} files (${(median(loads.map((l) => l.js_raw_bytes)) / 1024).toFixed(0)} KB as served)`,
          reference: '',
          target: `≤ ${TARGET_FIRST_PAGE_KB} KB`,
          verdict: atMost(kb, TARGET_FIRST_PAGE_KB),
        },
        {
          measure: 'navigation to the first page rendered with its data (Chromium)',
          knocker: `median ${fmt.ms(median(loads.map((l) => l.first_render_ms)))}, max ${fmt.ms(Math.max(...loads.map((l) => l.first_render_ms)))}`,
          reference: '',
          target: '',
          verdict: 'info',
        },
      ]
      return {
        rows,
        figures: { loads: loads.map((l) => ({ ...l, first_render_ms: round(l.first_render_ms, 1) })) },
        notes: [
          'Each load is a new browser context (empty cache) opening the console served by the headless shell on 127.0.0.1, signed in by the URL fragment. ' +
            'Scripts are counted from navigation until the Overview shows its heading and the endpoint table; chunks that load after that (the chart\'s library, other pages) are not. ' +
            'Sizes are gzip -9 of each script as served.',
        ],
      }
    } finally {
      await browser.close()
      await shell.stop()
      await discord.close()
    }
  },
}
