// The start-up sequence both shells share: lock → credentials → secret box → core → server →
// listen, and how a failed step is undone (no lock left, no database open, nothing listening).
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_PORT, launchKnocker, portFrom, type LaunchedKnocker, type LaunchOptions } from '../../src/main/core/launch'
import { createLogger } from '../../src/main/core/log/logger'
import { AesGcmSecretBox } from '../../src/main/core/secrets/secretBox'
import { MIGRATIONS } from './harness'

const silentLogger = () => createLogger({ level: 'silent' })

let dir: string
let launched: LaunchedKnocker | null = null
let blocker: Server | null = null

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'knocker-launch-'))
})
afterEach(async () => {
  if (launched) {
    launched.server.close()
    await launched.core.stop()
    launched.unlock()
    launched = null
  }
  await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)))
  blocker = null
  rmSync(dir, { recursive: true, force: true })
})

const options = (over: Partial<LaunchOptions> = {}): LaunchOptions => ({
  dataDir: join(dir, 'data'),
  env: {},
  logger: silentLogger(),
  openSecretBox: () => new AesGcmSecretBox(Buffer.alloc(32, 7)),
  core: { migrationsFolder: MIGRATIONS },
  host: '127.0.0.1',
  port: 0,
  ...over,
})

async function takenPort(): Promise<number> {
  blocker = createServer()
  await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve))
  return (blocker.address() as AddressInfo).port
}

describe('launchKnocker', () => {
  it('locks the data folder, makes the tokens, starts the core and listens; intake works', async () => {
    launched = await launchKnocker(options())
    expect(existsSync(join(dir, 'data', 'knocker.lock'))).toBe(true)
    expect(launched.credentials.created).toBe(true)
    expect(launched.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect((await launched.core.admin.getIntakeInfo({})).url).toBe(`${launched.baseUrl}/v1/events`)
    const health = await fetch(`${launched.baseUrl}/healthz`)
    expect(health.status).toBe(200)
  })

  it('the headless way: a port that is taken fails the start and undoes it (no lock, no open database)', async () => {
    const port = await takenPort()
    await expect(launchKnocker(options({ port }))).rejects.toMatchObject({ code: 'EADDRINUSE' })
    expect(existsSync(join(dir, 'data', 'knocker.lock'))).toBe(false)
    launched = await launchKnocker(options()) // the same folder starts again at once
    expect(launched.credentials.created).toBe(false)
  })

  it('the desktop way: a taken port is reported and everything else runs', async () => {
    const port = await takenPort()
    launched = await launchKnocker(options({ port, tolerateListenFailure: true }))
    expect(launched.listenError).toMatchObject({ code: 'EADDRINUSE' })
    expect(launched.baseUrl).toBeNull()
    expect((await launched.core.admin.getStats({})).state).toBe('running')
    expect((await launched.core.admin.getIntakeInfo({})).url).toBeNull()
  })

  it('a secret box that cannot be opened stops the start before the core, and releases the folder', async () => {
    const openSecretBox = vi.fn(() => {
      throw new Error('the keychain refused')
    })
    await expect(launchKnocker(options({ openSecretBox }))).rejects.toThrow('the keychain refused')
    expect(openSecretBox).toHaveBeenCalledWith(join(dir, 'data'))
    expect(existsSync(join(dir, 'data', 'knocker.lock'))).toBe(false)
  })

  it('hands the core over before it starts, so a shell hears its first events', async () => {
    const order: string[] = []
    launched = await launchKnocker(
      options({
        beforeStart: (core) => {
          order.push('beforeStart')
          core.onChange((topic) => order.push(`changed ${topic}`))
        },
      }),
    )
    expect(order[0]).toBe('beforeStart')
    await launched.core.admin.updateSettings({ delivery_enabled: false })
    expect(order).toContain('changed settings')
  })

  it('one default port for both shells, and KNOCKER_PORT or --port must be a port', () => {
    expect(portFrom(undefined)).toBe(DEFAULT_PORT)
    expect(portFrom('0')).toBe(0)
    expect(portFrom('9000')).toBe(9000)
    for (const bad of ['http', '-1', '65536', '80.5']) expect(() => portFrom(bad)).toThrow(`invalid port: ${bad}`)
  })
})
