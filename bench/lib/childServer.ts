// A server in a child process that prints "listening on http://…" when it is ready: the
// headless shell, and the raw reference server.
import { spawn } from 'node:child_process'
import { trackChild } from './cleanup'
import { ROOT } from './paths'
import { processMemory, resetPeakMemory, type Memory } from './processMemory'

const OUTPUT_KEPT = 64 * 1024

export interface ChildServer {
  url: string
  pid: number
  /** From spawn() to the "listening on" line, in ms. */
  startMs: number
  memory(): Memory | null
  resetPeakMemory(): boolean
  /** SIGTERM (graceful) and wait for the exit. */
  stop(): Promise<void>
  /** SIGKILL (a crash) and wait for the exit. */
  kill(): Promise<void>
  output(): string
}

export async function startChildServer(args: string[], env: NodeJS.ProcessEnv): Promise<ChildServer> {
  const started = performance.now()
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const untrack = trackChild(child)
  let output = ''
  const keep = (chunk: Buffer) => {
    output += chunk.toString('utf8')
    if (output.length > 2 * OUTPUT_KEPT) output = output.slice(-OUTPUT_KEPT)
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  void exited.then(untrack)

  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      keep(chunk)
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (!match) return
      child.stdout.off('data', onData)
      child.stdout.on('data', keep) // keep reading: a full pipe would block the child's logger
      resolve(match[1])
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', keep)
    void exited.then(() => reject(new Error(`${args.join(' ')} exited before listening:\n${output}`)))
  })
  const startMs = performance.now() - started

  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    await exited
  }
  return {
    url,
    pid: child.pid!,
    startMs,
    memory: () => processMemory(child.pid!),
    resetPeakMemory: () => resetPeakMemory(child.pid!),
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    output: () => output,
  }
}
