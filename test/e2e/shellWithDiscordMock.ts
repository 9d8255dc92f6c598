// The built headless shell and a local Discord mock, shared by all tests of a spec file:
// started before them, stopped after them.
import { test } from '@playwright/test'
import { startDiscordMock, type DiscordMock } from '../mocks/discordMock'
import { startHeadlessShell, type HeadlessShell } from './headlessShell'

export interface ShellWithDiscordMock {
  shell: HeadlessShell
  discord: DiscordMock
}

/** Registers the file's beforeAll and afterAll; `started` gets both once they are up, before
 * any test and any beforeAll registered after this call. */
export function useShellWithDiscordMock(started: (both: ShellWithDiscordMock) => void): void {
  const both: Partial<ShellWithDiscordMock> = {}
  test.beforeAll(async () => {
    both.discord = await startDiscordMock()
    both.shell = await startHeadlessShell()
    started(both as ShellWithDiscordMock)
  })
  test.afterAll(async () => {
    await both.shell?.stop()
    await both.discord?.close()
  })
}
