// The IPC adapter: every call from the window goes through ONE wrapper that checks who is
// asking, validates the input against the call's contract, and never lets a stack trace reach
// the renderer. The handlers are generated from the contract tables (admin and desktop).
import type { z } from 'zod'
import { adminContracts, type AdminApi } from '../../shared/contracts'
import { adminIpcChannel } from '../../shared/adminCallNames'
import { desktopContracts, type DesktopApi } from '../../shared/desktop'
import { desktopIpcChannel } from '../../shared/desktopCallNames'
import { invalidRequest } from '../core/admin/apiError'
import { seeTheLog } from '../core/log/logLocation'

type Issue = { path: string; message: string }
export type IpcError = { code: string; message: string; issues?: Issue[] }
export type IpcAnswer = { ok: true; value: unknown } | { ok: false; error: IpcError }

/** The parts of Electron's WebFrameMain the trust check needs. */
export interface SenderFrame {
  url: string
  parent: unknown
}
export interface InvokeEventLike {
  senderFrame: SenderFrame | null
}
/** The parts of Electron's ipcMain the adapter uses (so tests can pass a fake). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
}
type LoggerLike = { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void }

export interface IpcOptions {
  isTrustedSender(frame: SenderFrame | null): boolean
  logger: LoggerLike
  /** Where the log is, named in the message of an internal error. */
  logLocation?: string
}

/** A contract table: call name → zod input (the output is the implementation's business). */
type ContractTable = Record<string, { input: z.ZodType }>
type Implementation<T extends ContractTable> = { [N in keyof T]: (input: never) => Promise<unknown> }

/** Registers one handler per admin contract; returns a function that removes them all. */
export function registerAdminIpc(ipcMain: IpcMainLike, admin: AdminApi, opts: IpcOptions): () => void {
  return registerContractIpc(ipcMain, adminContracts, admin, adminIpcChannel, opts)
}

/** Registers one handler per desktop contract; returns a function that removes them all. */
export function registerDesktopIpc(ipcMain: IpcMainLike, desktop: DesktopApi, opts: IpcOptions): () => void {
  return registerContractIpc(ipcMain, desktopContracts, desktop, desktopIpcChannel, opts)
}

function registerContractIpc<T extends ContractTable>(
  ipcMain: IpcMainLike,
  contracts: T,
  impl: Implementation<T>,
  channelOf: (name: string) => string,
  opts: IpcOptions,
): () => void {
  const names = Object.keys(contracts)
  for (const name of names) {
    const call = impl[name] as unknown as (input: unknown) => Promise<unknown>
    // Fail at start, not at the first click, when a contract has no implementation.
    if (typeof call !== 'function') throw new Error(`IPC: no implementation of ${name}`)
    ipcMain.handle(channelOf(name), (event, input) =>
      handleCall(name, contracts[name].input, (parsed) => call.call(impl, parsed), event, input, opts),
    )
  }
  return () => names.forEach((name) => ipcMain.removeHandler(channelOf(name)))
}

async function handleCall(
  name: string,
  schema: z.ZodType,
  call: (input: unknown) => Promise<unknown>,
  event: InvokeEventLike,
  input: unknown,
  opts: IpcOptions,
): Promise<IpcAnswer> {
  if (!opts.isTrustedSender(event.senderFrame)) {
    // A frame that is not our own page (an injected iframe, a navigated-away window).
    opts.logger.warn({ call: name, url: event.senderFrame?.url ?? null }, 'IPC call from untrusted frame refused')
    return { ok: false, error: { code: 'forbidden', message: 'Untrusted sender' } }
  }
  const parsed = schema.safeParse(input ?? {})
  // Same error body as the HTTP API gives for the same bad input.
  if (!parsed.success) return { ok: false, error: toIpcError(invalidRequest(parsed.error), name, opts.logger, opts.logLocation) }
  try {
    return { ok: true, value: await call(parsed.data) }
  } catch (err) {
    return { ok: false, error: toIpcError(err, name, opts.logger, opts.logLocation) }
  }
}

/** Known API errors keep their code and message; anything else is logged and hidden. */
function toIpcError(err: unknown, call: string, logger: LoggerLike, logLocation?: string): IpcError {
  if (isApiError(err)) {
    const error: IpcError = { code: err.code, message: err.message }
    const issues = sanitizeIssues(err.issues)
    if (issues) error.issues = issues
    return error
  }
  logger.error({ call, err }, 'IPC call failed')
  return { code: 'internal', message: logLocation ? `Internal error; ${seeTheLog(logLocation)}` : 'Internal error' }
}

// Duck-typed so the shell does not depend on the core's ApiError class.
function isApiError(err: unknown): err is { status: number; code: string; message: string; issues?: unknown } {
  if (typeof err !== 'object' || err === null) return false
  const e = err as Record<string, unknown>
  return typeof e.code === 'string' && typeof e.status === 'number' && typeof e.message === 'string'
}

// Copy only plain strings, so nothing unexpected (objects, errors) crosses the IPC boundary.
function sanitizeIssues(issues: unknown): Issue[] | undefined {
  if (!Array.isArray(issues)) return undefined
  return issues.map((i: { path?: unknown; message?: unknown }) => ({
    path: Array.isArray(i?.path) ? i.path.map(String).join('.') : String(i?.path ?? ''),
    message: String(i?.message ?? ''),
  }))
}
