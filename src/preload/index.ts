// The preload bridge: one named function per admin call, never `ipcRenderer` itself.
// Imports nothing from npm (the sandboxed preload is bundled on its own as CommonJS).
import { contextBridge, ipcRenderer } from 'electron'
import { ADMIN_CALL_NAMES, adminIpcChannel } from '../shared/adminCallNames'
import type { KnockerBridgeError } from '../shared/bridge'

type IpcAnswer =
  | { ok: true; value: unknown }
  | { ok: false; error: { code: string; message: string; issues?: Array<{ path: string; message: string }> } }

async function call(name: string, input: unknown): Promise<unknown> {
  // invoke itself rejects only when main has no handler (yet); treat it like any internal error.
  const answer = (await ipcRenderer.invoke(adminIpcChannel(name), input ?? {}).catch(() => undefined)) as
    | IpcAnswer
    | undefined
  if (answer && answer.ok === true) return answer.value
  const error = answer && answer.ok === false ? answer.error : { code: 'internal', message: 'Internal error' }
  // A plain object, not an Error: contextBridge copies only an Error's message into the page,
  // while a plain object arrives with its code and issues (the renderer reads those fields).
  const rejection: KnockerBridgeError = { name: 'KnockerBridgeError', message: error.message, code: error.code }
  if (error.issues) rejection.issues = error.issues.map((i) => ({ path: i.path, message: i.message }))
  throw rejection
}

const bridge: Record<string, unknown> = { platform: 'electron' }
for (const name of ADMIN_CALL_NAMES) {
  bridge[name] = (input?: unknown) => call(name, input)
}

contextBridge.exposeInMainWorld('knocker', bridge)
