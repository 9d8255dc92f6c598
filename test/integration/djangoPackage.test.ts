// End to end with the Django package (integrations/django): its test project (models shaped
// like Flipfix's, the package's signals and outbox) served by Django's development server on
// 127.0.0.1, and a real Knocker reading it with its event-feed poller, or receiving it from
// the package's push command. All seven events reach the Discord mock once: none twice
// across a Knocker restart, none twice when the same events are pushed again.
// Skips when no Python with Django is installed, unless KNOCKER_REQUIRE_DJANGO is set (CI).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { EVENT_TYPES } from '../../src/shared/events'
import { DJANGO_PACKAGE_DIR, DJANGO_TESTS_DIR, findDjangoPython } from '../../scripts/djangoPython'
import { INGEST_TOKEN, startHarness, waitFor, type Harness } from './harness'

const found = findDjangoPython()
const python = found.python
if (python === null && process.env.KNOCKER_REQUIRE_DJANGO) {
  throw new Error(`KNOCKER_REQUIRE_DJANGO is set but no Python with Django was found (${found.tried})`)
}
const SKIP_REASON = python === null ? `no Python with Django (${found.tried}); apt-get install -y python3-django` : ''

const FEED_KEY = 'e2e-feed-key-0123456789abcdef'
const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'knocker-django-'))
  dirs.push(dir)
  return dir
}

let migratedTemplate: string | undefined

/** A Django database of the test project with the seven sample changes in its outbox
 * (migrated once, then copied: migrating takes seconds). */
function djangoProject(extraEnv: Record<string, string> = {}) {
  const db = join(tempDir(), 'flipfix.sqlite3')
  if (migratedTemplate) copyFileSync(migratedTemplate, db)
  const env = {
    ...process.env,
    PYTHONPATH: [DJANGO_PACKAGE_DIR, DJANGO_TESTS_DIR].join(':'),
    DJANGO_SETTINGS_MODULE: 'testproject.settings',
    KNOCKER_TEST_DB: db,
    PYTHONDONTWRITEBYTECODE: '1',
    ...extraEnv,
  }
  const manage = (...args: string[]) => {
    const run = spawnSync(python!, ['-m', 'django', ...args], { env, encoding: 'utf8', timeout: 60_000 })
    return { status: run.status, out: run.stdout, err: run.stderr }
  }
  const mustManage = (...args: string[]) => {
    const run = manage(...args)
    if (run.status !== 0) throw new Error(`manage ${args.join(' ')} failed (${run.status}): ${run.err}`)
    return run
  }
  /** For commands that talk to this process's Knocker: spawnSync would block its event loop. */
  const manageAsync = (args: string[], moreEnv: Record<string, string> = {}) =>
    new Promise<{ status: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(python!, ['-m', 'django', ...args], { env: { ...env, ...moreEnv }, stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      let err = ''
      child.stdout!.on('data', (d) => (out += d))
      child.stderr!.on('data', (d) => (err += d))
      child.on('close', (status) => resolve({ status, out, err }))
    })
  if (!migratedTemplate) {
    mustManage('migrate', '--noinput', '-v', '0')
    migratedTemplate = join(tempDir(), 'migrated.sqlite3')
    copyFileSync(db, migratedTemplate)
  }
  mustManage('make_sample_activity', '--api-key', FEED_KEY)
  return { db, env, manage, mustManage, manageAsync }
}

/** An address on 127.0.0.1 where nothing listens (a port just released). */
async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const port = (server.address() as { port: number }).port
  await new Promise((ok) => server.close(ok))
  return port
}

/** Django's development server on 127.0.0.1, ready when the feed answers (401 without a key). */
async function runserver(env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess; output: string[] }> {
  const port = await freePort()
  const output: string[] = []
  const child = spawn(python!, ['-m', 'django', 'runserver', `127.0.0.1:${port}`, '--noreload'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout!.on('data', (d) => output.push(String(d)))
  child.stderr!.on('data', (d) => output.push(String(d)))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`runserver exited ${child.exitCode}: ${output.join('')}`)
    try {
      const res = await fetch(`${url}/api/v1/notification-events/`)
      if (res.status === 401) return { url, child, output }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`runserver did not answer: ${output.join('')}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const embedsOf = (h: Harness) => h.discord.messages.flatMap((m) => m.body.embeds as Array<{ title: string; description?: string }>)
const storedEvents = (h: Harness) =>
  (h.core.db.$client.prepare('select event_id, event_type from events order by seq').all() as Array<{ event_id: string; event_type: string }>)

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(python === null)(`the Django package with a real Knocker${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  let server: Awaited<ReturnType<typeof runserver>> | undefined
  let project: ReturnType<typeof djangoProject>
  beforeAll(async () => {
    project = djangoProject()
    server = await runserver(project.env)
  }, 60_000)
  afterAll(() => {
    server?.child.kill('SIGTERM')
  })

  it('Knocker polls the feed: all seven events reach Discord once, and once only across a restart', async () => {
    const dataDir = tempDir()
    h = await startHarness({ core: { dataDir } })
    const { endpoint } = await h.addDiscordEndpoint()
    const configured = await h.admin('PATCH', '/api/pollers/event_feed', { base_url: server!.url, api_key: FEED_KEY, enabled: true })
    expect(configured.status, JSON.stringify(configured.json)).toBe(200)

    const started = performance.now()
    const polled = await h.admin('POST', '/api/pollers/event_feed/poll')
    const pollMs = performance.now() - started
    expect(polled.json.status, JSON.stringify(polled.json)).toMatchObject({ state: 'ok', events_emitted: 7, last_error: null, has_cursor: true })
    const embeds = await waitFor(() => embedsOf(h!).length >= 7 && embedsOf(h!), 10_000, 'seven embeds')
    const feedToDiscordMs = performance.now() - started

    expect(storedEvents(h).map((e) => e.event_type).sort()).toEqual([...EVENT_TYPES].sort())
    expect(embeds).toHaveLength(7)
    const text = JSON.stringify(embeds)
    expect(text).toContain('Gorgar')
    expect(text).toContain('Status: Broken → Fixing')
    expect(text).toContain('Location: Storage → Workshop')
    expect(text).toContain('Fixed outhole switch')
    expect(text).not.toContain('visitor@example.org')
    expect(text).toContain('Knocker, probably SPECIAL spontaneously firing')
    expect(text).not.toMatch(/(?<!\u200b)@everyone/) // the visitor's ping is broken by Knocker
    // The feed was asked for the events after Knocker's cursor: Django marked them received.
    const django = new Database(project.db, { readonly: true })
    expect(django.prepare('select count(*) as n from knocker_outbox_event where sent_at is null').get()).toEqual({ n: 0 })
    django.close()

    // Restart Knocker on the same data: the stored cursor means nothing is read twice.
    await h.close()
    h = await startHarness({ core: { dataDir } })
    const patched = await h.admin('PATCH', `/api/endpoints/${endpoint.id}`, { url: h.discord.addWebhook().url })
    expect(patched.status, JSON.stringify(patched.json)).toBe(200)
    const again = await h.admin('POST', '/api/pollers/event_feed/poll')
    expect(again.json.status).toMatchObject({ state: 'ok', events_emitted: 7, last_error: null })
    expect(storedEvents(h)).toHaveLength(7)

    // A new change in Django after the restart arrives, alone.
    project.mustManage('make_sample_activity', '--only-status-change')
    const third = await h.admin('POST', '/api/pollers/event_feed/poll')
    expect(third.json.status).toMatchObject({ state: 'ok', events_emitted: 8 })
    const after = await waitFor(() => embedsOf(h!).length >= 1 && embedsOf(h!), 10_000, 'the new embed')
    await h.settle()
    expect(after).toHaveLength(1)
    expect(after[0].title).toContain('Status: Fixing → Broken')
    const acked = new Database(project.db, { readonly: true })
    expect(acked.prepare('select count(*) as n from knocker_outbox_event where sent_at is null').get()).toEqual({ n: 0 })
    acked.close()
    console.log(`[django e2e] feed: one poll read and stored 7 events in ${pollMs.toFixed(0)} ms; all 7 at the Discord mock after ${feedToDiscordMs.toFixed(0)} ms`)
  }, 60_000)

  it('a wrong key is refused in plain words and changes nothing', async () => {
    h = await startHarness()
    await h.admin('PATCH', '/api/pollers/event_feed', { base_url: server!.url, api_key: 'not-the-right-key-0123456789', enabled: true })
    const polled = await h.admin('POST', '/api/pollers/event_feed/poll')
    expect(polled.json.status.state).toBe('backing_off')
    expect(polled.json.status.last_error).toContain('refused the API key (HTTP 403: "Invalid API key")')
    expect(storedEvents(h)).toHaveLength(0)
  })
})

describe.skipIf(python === null)(`the Django package's push command into a real Knocker${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  it('pushes all seven into intake; pushed again, each is stored and delivered once', async () => {
    h = await startHarness()
    await h.addDiscordEndpoint()
    const project = djangoProject({ KNOCKER_PUSH_URL: h.url, KNOCKER_PUSH_TOKEN: INGEST_TOKEN })

    const started = performance.now()
    const first = await project.manageAsync(['knocker_push'])
    const pushMs = performance.now() - started
    expect(first.out.trim(), first.err).toBe('sent 7 events')
    expect(storedEvents(h).map((e) => e.event_type).sort()).toEqual([...EVENT_TYPES].sort())
    await waitFor(() => embedsOf(h!).length >= 7, 10_000, 'seven embeds')

    // Lose the marks, as a crash between Knocker's answer and the update would: all go again.
    const django = new Database(project.db)
    django.prepare('update knocker_outbox_event set sent_at = null').run()
    const again = await project.manageAsync(['knocker_push'])
    expect(again.out.trim(), again.err).toBe('sent 7 events')
    expect(django.prepare('select count(*) as n from knocker_outbox_event where sent_at is null').get()).toEqual({ n: 0 })
    django.close()
    await h.settle()
    expect(storedEvents(h)).toHaveLength(7)
    expect(embedsOf(h)).toHaveLength(7)

    // Knocker down: the command says so, exits 0, and keeps the new event for the next run.
    project.mustManage('make_sample_activity', '--only-status-change')
    const down = await project.manageAsync(['knocker_push'], { KNOCKER_PUSH_URL: await closedPortUrl() })
    expect(down.status).toBe(0)
    expect(down.err).toMatch(/unavailable \(ConnectionRefusedError.*1 events kept for the next try/)

    // A wrong token stops the command with a line that names the setting, and keeps the event.
    const refused = await project.manageAsync(['knocker_push'], { KNOCKER_PUSH_TOKEN: 'wrong-token-0123456789abcdef' })
    expect(refused.status).toBe(1)
    expect(refused.err).toContain('HTTP 401')
    expect(refused.err).toContain('Check KNOCKER_OUTBOX PUSH_TOKEN')
    expect(refused.err).not.toContain('wrong-token-0123456789abcdef')

    // Fixed: it goes, once.
    const fixed = await project.manageAsync(['knocker_push'])
    expect(fixed.out.trim(), fixed.err).toBe('sent 1 events')
    await h.settle()
    expect(storedEvents(h)).toHaveLength(8)
    expect(embedsOf(h)).toHaveLength(8)
    console.log(`[django e2e] push: 7 events into Knocker's intake in ${pushMs.toFixed(0)} ms (the command, Python start-up included)`)
  }, 60_000)
})
