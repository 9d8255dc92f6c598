// The desktop-only call names alone (no zod), so the preload can build its allowlist without
// npm imports. Their contracts are in ./desktop.ts.
export const DESKTOP_CALL_NAMES = ['getPreferences', 'setPreferences', 'openLogFolder'] as const

/** The IPC channel of one desktop call. */
export const desktopIpcChannel = (name: string) => `knocker:desktop:${name}`
