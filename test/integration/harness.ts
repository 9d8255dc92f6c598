// A real Knocker (real SQLite file, real HTTP server on 127.0.0.1:0) wired to the Discord
// mock, with a clock the test can move forward to skip retry waits.
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { createKnockerServer } from '../../src/main/core/http/server'
import { KnockerCore, type KnockerOptions } from '../../src/main/core/knocker'
import { createLogger } from '../../src/main/core/log/logger'
import { AesGcmSecretBox } from '../../src/main/core/secrets/secretBox'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import type { EventType, KnockerEvent } from '../../src/shared/events'
import { startDiscordMock, type DiscordMock, type DiscordMockOptions } from '../mocks/discordMock'
import type { AttentionListener } from '../../src/main/core/coreEvents'

export const MIGRATIONS = resolve(__dirname, '../../resources/migrations')
export const INGEST_TOKEN = 'test-ingest-token-0123456789'
export const ADMIN_TOKEN = 'test-admin-token-0123456789'

export class TestClock {
  offset = 0
  now = () => Date.now() + this.offset
}

export interface Harness {
  core: KnockerCore
  discord: DiscordMock
  url: string
  dataDir: string
  clock: TestClock
  logs: string[]
  /** Move time forward (skipping retry waits) and let the engine look at its queue. */
  advance(ms: number): void
  post(body: unknown, token?: string, headers?: Record<string, string>): Promise<{ status: number; json: any }>
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>
  addDiscordEndpoint(opts?: { name?: string; events?: EventType[]; forum?: boolean }): Promise<{ endpoint: any; webhook: ReturnType<DiscordMock['addWebhook']> }>
  /** Resolves when no delivery is pending/sending (retrying ones are waiting for their time). */
  settle(timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export async function startHarness(
  opts: { discord?: DiscordMockOptions; core?: Partial<KnockerOptions>; onAttention?: AttentionListener } = {},
): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'knocker-test-'))
  const clock = new TestClock()
  const logs: string[] = []
  const destination = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk))
      done()
    },
  })
  const logger = createLogger({ level: 'debug', destination })
  const discord = await startDiscordMock(opts.discord)
  const core = new KnockerCore({
    dataDir,
    migrationsFolder: MIGRATIONS,
    secretBox: new AesGcmSecretBox(Buffer.alloc(32, 7)),
    logger,
    ingestToken: INGEST_TOKEN,
    adminToken: ADMIN_TOKEN,
    allowPrivateTargets: true,
    clock,
    sendTimeoutMs: 2000,
    stopGraceMs: 500,
    ...opts.core,
  })
  if (opts.onAttention) core.onAttention(opts.onAttention) // before start: no flag goes unheard
  await core.start()
  const server = createKnockerServer(core, { logger })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const request = async (method: string, path: string, token: string, body?: unknown, headers = {}) => {
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, json: text ? JSON.parse(text) : undefined }
  }

  const harness: Harness = {
    core,
    discord,
    url,
    dataDir,
    clock,
    logs,
    advance(ms) {
      clock.offset += ms
      core.engine.kick()
    },
    post: (body, token = INGEST_TOKEN, headers) => request('POST', '/v1/events', token, body, headers),
    admin: (method, path, body) => request(method, path, ADMIN_TOKEN, body),
    async addDiscordEndpoint(o = {}) {
      const webhook = discord.addWebhook({ forum: o.forum })
      const res = await harness.admin('POST', '/api/endpoints', {
        name: o.name ?? 'Maintainers channel',
        kind: 'discord',
        url: webhook.url,
        ...(o.events ? { events: o.events } : {}),
      })
      if (res.status !== 201) throw new Error(`create endpoint failed: ${JSON.stringify(res.json)}`)
      return { endpoint: res.json, webhook }
    },
    async settle(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const stats = (await harness.admin('GET', '/api/stats')).json
        if (stats.deliveries.pending === 0 && stats.deliveries.sending === 0) return
        if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify(stats.deliveries)}`)
        await new Promise((r) => setTimeout(r, 10))
      }
    },
    async close() {
      server.closeAllConnections()
      await new Promise((ok) => server.close(ok))
      await core.stop()
      await discord.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
  return harness
}

let counter = 0
/** A sample event of the given type with a fresh event_id. */
export function sampleEvent(type: EventType, patch: Partial<KnockerEvent> = {}): KnockerEvent {
  counter++
  return {
    ...structuredClone(SAMPLE_EVENTS[type]),
    event_id: `${type}:${process.pid}:${Date.now()}:${counter}`,
    ...patch,
  } as KnockerEvent
}

type Maybe<T> = T | undefined | false | null

/** Polls `fn` (which may ask the admin API) until it gives a value, or fails after `timeoutMs`. */
export async function waitFor<T>(fn: () => Maybe<T> | Promise<Maybe<T>>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}
