// The desktop app's log: a file in the app's log folder, rotated by size, and standard output
// only when it is a terminal (`npm run dev`). A packaged GUI app on Windows has no standard
// output at all: writing to fd 1 there fails with EBADF, and an unhandled stream error would
// crash the app. So every destination's errors are caught, and a broken one is dropped while
// the others go on.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import pino from 'pino'
import { createStream } from 'rotating-file-stream'
import { createLogger, type Logger } from '../core/log/logger'

const LOG_FILE_NAME = 'knocker.log'
/** knocker.log is rotated at this size, keeping this many older files (knocker.log.1 …). */
export const LOG_ROTATE_SIZE = '5M'
export const LOG_ROTATE_KEEP = 5

export interface DesktopLog {
  logger: Logger
  /** The current log file (null when the folder could not be created). */
  file: string | null
  folder: string
}

interface Destination {
  name: string
  stream: NodeJS.WritableStream | pino.DestinationStream
}

export function createDesktopLog(opts: {
  folder: string
  /** process.stdout: written to only when it is a terminal. */
  stdout: { isTTY?: boolean; fd?: number }
  level?: string
}): DesktopLog {
  const destinations: Destination[] = []
  let file: string | null = null
  const problems: Array<{ destination: string; err: unknown }> = []
  try {
    mkdirSync(opts.folder, { recursive: true, mode: 0o700 })
    const stream = createStream(LOG_FILE_NAME, { path: opts.folder, size: LOG_ROTATE_SIZE, rotate: LOG_ROTATE_KEEP, mode: 0o600 })
    destinations.push({ name: 'file', stream })
    file = join(opts.folder, LOG_FILE_NAME)
  } catch (err) {
    problems.push({ destination: 'file', err })
  }
  if (opts.stdout.isTTY) destinations.push({ name: 'stdout', stream: pino.destination({ fd: opts.stdout.fd ?? 1, sync: false }) })

  let logger: Logger | null = null
  const guarded = destinations.map(({ name, stream }) => {
    let broken = false
    ;(stream as NodeJS.EventEmitter).on('error', (err: unknown) => {
      if (broken) return
      broken = true
      // Said once, through whatever still works; never thrown.
      logger?.warn({ destination: name, err }, 'a log destination failed; logging goes on without it')
    })
    return {
      write(line: string) {
        if (!broken) stream.write(line)
      },
    }
  })
  const sink = pino.multistream(guarded.map((stream) => ({ stream, level: 'trace' as const })))
  logger = createLogger({ level: opts.level, destination: sink })
  for (const { destination, err } of problems) logger.warn({ destination, err }, 'a log destination could not be opened')
  return { logger, file, folder: opts.folder }
}
