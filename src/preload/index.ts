// The preload bridge: one named function per contract call (admin and desktop) and onChange,
// never `ipcRenderer` itself. Imports nothing from npm (the sandboxed preload is bundled on
// its own as CommonJS), so the contracts' names come from zod-free files.
import { contextBridge, ipcRenderer } from 'electron'
import { ADMIN_CALL_NAMES, adminIpcChannel } from '../shared/adminCallNames'
import { CHANGE_CHANNEL, isChangeTopic } from '../shared/changes'
import { DESKTOP_CALL_NAMES, desktopIpcChannel } from '../shared/desktopCallNames'
import type { ChangeNotice } from '../shared/changes'
import type { KnockerBridgeError } from '../shared/bridge'

type IpcAnswer =
  | { ok: true; value: unknown }
  | { ok: false; error: { code: string; message: string; issues?: Array<{ path: string; message: string }> } }

async function call(channel: string, input: unknown): Promise<unknown> {
  // invoke itself rejects only when main has no handler (yet); treat it like any internal error.
  const answer = (await ipcRenderer.invoke(channel, input ?? {}).catch(() => undefined)) as IpcAnswer | undefined
  if (answer && answer.ok === true) return answer.value
  const error = answer && answer.ok === false ? answer.error : { code: 'internal', message: 'Internal error' }
  // A plain object, not an Error: contextBridge copies only an Error's message into the page,
  // while a plain object arrives with its code and issues (the renderer reads those fields).
  const rejection: KnockerBridgeError = { name: 'KnockerBridgeError', message: error.message, code: error.code }
  if (error.issues) rejection.issues = error.issues.map((i) => ({ path: i.path, message: i.message }))
  throw rejection
}

function onChange(listener: (notice: ChangeNotice) => void): () => void {
  if (typeof listener !== 'function') throw new TypeError('onChange needs a function')
  // The page gets a fresh plain object, never the IPC event (its `sender` is ipcRenderer).
  const forward = (_event: unknown, notice: { topic?: unknown } | undefined) => {
    const topic = notice?.topic
    if (isChangeTopic(topic)) listener({ topic })
  }
  ipcRenderer.on(CHANGE_CHANNEL, forward)
  return () => void ipcRenderer.removeListener(CHANGE_CHANNEL, forward)
}

const desktop: Record<string, unknown> = {}
for (const name of DESKTOP_CALL_NAMES) desktop[name] = (input?: unknown) => call(desktopIpcChannel(name), input)

const bridge: Record<string, unknown> = { platform: 'electron', desktop, onChange }
for (const name of ADMIN_CALL_NAMES) bridge[name] = (input?: unknown) => call(adminIpcChannel(name), input)

contextBridge.exposeInMainWorld('knocker', bridge)
