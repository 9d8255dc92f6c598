// The one logger. pino censors secret-named fields; the message hook scrubs free text.
import pino, { type Logger } from 'pino'
import { redactText, SECRET_FIELD_PATHS } from './redact'

export type { Logger }

export function createLogger(opts: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? process.env.KNOCKER_LOG_LEVEL ?? 'info',
      base: undefined,
      redact: { paths: SECRET_FIELD_PATHS, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg))
          method.apply(this, scrubbed as Parameters<typeof method>)
        },
      },
      formatters: {
        log(object) {
          // Error messages may embed URLs (undici echoes them): scrub every string field.
          return JSON.parse(redactText(JSON.stringify(object)))
        },
      },
    },
    opts.destination ?? pino.destination({ fd: 1, sync: false }),
  )
}
