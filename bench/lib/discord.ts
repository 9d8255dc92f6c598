// The Discord destination of every measurement: test/mocks/discordMock on 127.0.0.1, stamping
// arrivals with the same precise clock as the load generator.
import { createServer } from 'node:net'
import type { AdminApi } from '../../src/shared/contracts'
import { startDiscordMock, type DiscordMock, type MockWebhook } from '../../test/mocks/discordMock'
import { preciseNow } from './stats'

/** Discord's observed webhook limit, as the drain scenario states it: 5 requests per 2 s.
 * The mock's hidden per-channel limit is off, since every webhook here has its own channel and
 * the scenario is about the webhook limit. */
export const DISCORD_LIMIT = { requests: 5, windowMs: 2000 }
const UNLIMITED = 1e9

export function startBenchDiscord(opts: { rateLimited: boolean; port?: number }): Promise<DiscordMock> {
  return startDiscordMock({
    now: preciseNow,
    port: opts.port,
    perWebhookLimit: opts.rateLimited ? DISCORD_LIMIT.requests : UNLIMITED,
    perWebhookWindowMs: DISCORD_LIMIT.windowMs,
    perChannelLimit: UNLIMITED,
  })
}

/** A port of 127.0.0.1 that nothing listens on (connection refused), to open later. */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** A webhook id/token pair in Discord's shape, for a mock that isn't running yet. */
export function webhookCredentials(n: number): { id: string; token: string } {
  return { id: String(1_100_000_000_000_000_000n + BigInt(n)), token: `bench_${String(n).padStart(4, '0')}_${'x'.repeat(60)}` }
}

export function webhookUrl(port: number, hook: { id: string; token: string }): string {
  return `http://127.0.0.1:${port}/api/webhooks/${hook.id}/${hook.token}`
}

export async function createDiscordEndpoint(
  admin: AdminApi,
  url: string,
  name: string,
  options: Record<string, unknown> = {},
): Promise<string> {
  const endpoint = await admin.createEndpoint({ name, kind: 'discord', url, options })
  return endpoint.id
}

export function messagesOf(mock: DiscordMock, webhook: Pick<MockWebhook, 'id'>) {
  return mock.messages.filter((m) => m.webhookId === webhook.id)
}

/** 429 answers the mock gave this webhook. */
export function rateLimitedCount(mock: DiscordMock, webhook: Pick<MockWebhook, 'id'>): number {
  return mock.requests.filter((r) => r.status === 429 && r.path.includes(`/webhooks/${webhook.id}/`)).length
}
