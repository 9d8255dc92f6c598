// Runs a command without blocking the bench's event loop (its mocks keep answering).
import { spawn } from 'node:child_process'
import { trackChild } from './cleanup'
import { ROOT } from './paths'

export interface CommandResult {
  code: number | null
  stdout: string
  stderr: string
}

export function runCommand(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: opts.env ?? process.env, cwd: ROOT, stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] })
    const untrack = trackChild(child)
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (d) => (stdout += d))
    child.stderr!.on('data', (d) => (stderr += d))
    child.on('error', (error) => {
      untrack()
      reject(error)
    })
    child.on('close', (code) => {
      untrack()
      resolve({ code, stdout, stderr })
    })
    if (opts.stdin !== undefined) {
      child.stdin!.on('error', () => undefined) // a child that exits without reading it: its exit code tells
      child.stdin!.end(opts.stdin)
    }
  })
}
