// The admin call names alone (no zod), so the preload can build its allowlist without npm imports.
export const ADMIN_CALL_NAMES = [
  'listEndpoints',
  'createEndpoint',
  'getEndpoint',
  'updateEndpoint',
  'rotateSecret',
  'deleteEndpoint',
  'testEndpoint',
  'sendMorningReport',
  'getSettings',
  'updateSettings',
  'listDeliveries',
  'getDelivery',
  'retryDelivery',
  'retryFailed',
  'exportDeliveries',
  'getStats',
  'previewMessage',
  'explainRouting',
  'getIntakeInfo',
  'getSystemInfo',
  'getPollers',
  'updatePoller',
  'pollNow',
  'listRelaySources',
  'createRelaySource',
  'updateRelaySource',
  'rotateRelaySourceToken',
  'deleteRelaySource',
] as const

/** The IPC channel of one admin call. */
export const adminIpcChannel = (name: string) => `knocker:admin:${name}`
