// Quit in order: stop intake (no new events), let the engine finish its in-flight sends
// (bounded) and close the database, then take down the tray and IPC. Only Quit runs this:
// closing the window just hides it.
import type { Server } from 'node:http'

type LoggerLike = { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void }

export interface QuitSteps {
  /** 1. Close the intake server: no new connections, in-flight requests may finish. */
  stopIntake(): Promise<void>
  /** 2. core.stop(): the engine waits for in-flight sends (its own bound), then the database closes. */
  stopCore(): Promise<void>
  /** 3. Tray, IPC handlers, change push. Runs even when an earlier step failed or timed out. */
  disposeShell(): void
}

export interface QuitSequence {
  /** For app.on('before-quit'): holds the quit until the steps ran, then quits for real. */
  onBeforeQuit(event: { preventDefault(): void }): void
  /** True from the first quit request on (the window then really closes). */
  quitting(): boolean
  /** Startup failed: quit without steps (nothing was started, or nothing can be stopped cleanly). */
  skip(): void
}

const QUIT_TIMEOUT_MS = 15_000

export function createQuitSequence(
  steps: QuitSteps,
  opts: { quit(): void; logger: LoggerLike; timeoutMs?: number },
): QuitSequence {
  let phase: 'running' | 'stopping' | 'stopped' = 'running'

  async function step(name: string, run: () => Promise<void> | void): Promise<void> {
    try {
      await run()
    } catch (err) {
      // Keep going: a failed intake close must not keep the database open.
      opts.logger.error({ err, step: name }, 'quit: a step failed')
    }
  }

  async function run(): Promise<void> {
    const ordered = (async () => {
      await step('stop intake', steps.stopIntake)
      await step('stop core', steps.stopCore)
    })()
    let timer: NodeJS.Timeout | undefined
    const timedOut = await Promise.race([
      ordered.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), opts.timeoutMs ?? QUIT_TIMEOUT_MS))),
    ])
    clearTimeout(timer)
    // The database is WAL with synchronous=FULL: quitting before it closed loses nothing.
    if (timedOut) opts.logger.warn({ timeoutMs: opts.timeoutMs ?? QUIT_TIMEOUT_MS }, 'quit: timed out; quitting anyway')
    await step('dispose shell', steps.disposeShell)
  }

  return {
    onBeforeQuit(event) {
      if (phase === 'stopped') return
      event.preventDefault()
      if (phase === 'stopping') return
      phase = 'stopping'
      void run().finally(() => {
        phase = 'stopped'
        opts.quit()
      })
    },
    quitting: () => phase !== 'running',
    skip() {
      phase = 'stopped'
    },
  }
}

/** Stops accepting connections, lets in-flight requests finish for `graceMs`, then cuts them. */
export function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve()
    const cut = setTimeout(() => server.closeAllConnections(), graceMs)
    server.close(() => {
      clearTimeout(cut)
      resolve()
    })
    server.closeIdleConnections() // keep-alive connections would hold close() open
  })
}
