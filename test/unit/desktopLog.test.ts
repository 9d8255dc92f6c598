// The desktop app's log: a rotated file in the log folder, the terminal only when there is one,
// and a destination that fails (Windows' GUI app has no fd 1: EBADF) never crashes the app.
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDesktopLog } from '../../src/main/shell/desktopLog'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'knocker-log-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const until = async (check: () => boolean, what: string, timeoutMs = 5_000) => {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '')

describe('desktop log', () => {
  it('writes JSON lines to knocker.log in the log folder, secrets scrubbed', async () => {
    const folder = join(dir, 'logs')
    const log = createDesktopLog({ folder, stdout: { isTTY: false } })
    expect(log.file).toBe(join(folder, 'knocker.log'))
    log.logger.info({ url: 'https://discord.com/api/webhooks/123456789012345678/abcdefghijklmnopqrstuvwxyz' }, 'delivered')
    await until(() => read(log.file!).includes('delivered'), 'the line in the file')
    const line = JSON.parse(read(log.file!).trim().split('\n').at(-1)!)
    expect(line.msg).toBe('delivered')
    expect(read(log.file!)).not.toContain('abcdefghijklmnopqrstuvwxyz')
    if (process.platform !== 'win32') expect(statSync(log.file!).mode & 0o077).toBe(0)
  })

  it('survives a standard output that fails with EBADF, and goes on logging to the file', async () => {
    const closedFd = openSync(join(dir, 'gone'), 'w')
    closeSync(closedFd) // writes to it now fail with EBADF, like fd 1 of a Windows GUI app
    const crashes: unknown[] = []
    const onUncaught = (err: unknown) => crashes.push(err)
    process.on('uncaughtException', onUncaught)
    try {
      const log = createDesktopLog({ folder: join(dir, 'logs'), stdout: { isTTY: true, fd: closedFd } })
      for (let i = 0; i < 20; i++) log.logger.info({ i }, 'line')
      await until(() => read(log.file!).includes('a log destination failed'), 'the warning about the broken destination')
      log.logger.info('after the failure')
      await until(() => read(log.file!).includes('after the failure'), 'a line after the failure')
      const lines = read(log.file!).trim().split('\n').map((l) => JSON.parse(l))
      expect(lines.filter((l) => l.msg === 'line')).toHaveLength(20)
      const warning = lines.find((l) => l.msg.startsWith('a log destination failed'))
      expect(warning.destination).toBe('stdout')
      expect(warning.err.code).toBe('EBADF')
      expect(lines.filter((l) => l.msg.startsWith('a log destination failed'))).toHaveLength(1) // said once
      expect(crashes).toEqual([])
    } finally {
      process.off('uncaughtException', onUncaught)
    }
  })

  it('writes to standard output only when it is a terminal', async () => {
    const stdoutFile = join(dir, 'stdout.txt')
    const fd = openSync(stdoutFile, 'w')
    try {
      const quiet = createDesktopLog({ folder: join(dir, 'a'), stdout: { isTTY: false, fd } })
      quiet.logger.info('not for the terminal')
      const loud = createDesktopLog({ folder: join(dir, 'b'), stdout: { isTTY: true, fd } })
      loud.logger.info('for the terminal')
      await until(() => read(stdoutFile).includes('for the terminal') && read(loud.file!).includes('for the terminal'), 'both lines')
      await until(() => read(quiet.file!).includes('not for the terminal'), 'the file line')
      expect(read(stdoutFile)).not.toContain('not for the terminal')
    } finally {
      closeSync(fd)
    }
  })

  it('a log folder that cannot be made costs the file, not the app', () => {
    writeFileSync(join(dir, 'blocker'), 'a file where the folder should be')
    const log = createDesktopLog({ folder: join(dir, 'blocker', 'logs'), stdout: { isTTY: false } })
    expect(log.file).toBeNull()
    expect(() => log.logger.error(new Error('still fine'), 'nobody hears this')).not.toThrow()
  })

  it('rotates the file by size and keeps the older ones', async () => {
    const log = createDesktopLog({ folder: dir, stdout: { isTTY: false } })
    const filler = 'x'.repeat(1_000)
    for (let i = 0; i < 5_600; i++) log.logger.info({ filler, i }, 'filler')
    log.logger.info('last line')
    await until(() => existsSync(join(dir, 'knocker.log.1')) && read(log.file!).includes('last line'), 'a rotated file', 15_000)
    expect(statSync(join(dir, 'knocker.log.1')).size).toBeGreaterThan(4_000_000)
    expect(statSync(log.file!).size).toBeLessThan(5 * 1024 * 1024)
  })
})
