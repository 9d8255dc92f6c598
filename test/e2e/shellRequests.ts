// What the end-to-end tests do to a headless shell besides clicking: read the admin API, and
// push events the way the museum app does.
import { randomUUID } from 'node:crypto'
import { expect } from '@playwright/test'
import type { EventType } from '../../src/shared/events'
import { SAMPLE_EVENTS } from '../../src/shared/samples'
import type { HeadlessShell } from './headlessShell'

export async function adminGet<T>(shell: HeadlessShell, path: string): Promise<T> {
  const res = await fetch(`${shell.url}${path}`, { headers: { authorization: `Bearer ${shell.adminToken}` } })
  expect(res.status, `GET ${path}`).toBe(200)
  return (await res.json()) as T
}

/** Pushes one sample event through intake; returns its fresh event_id. */
export async function pushEvent(shell: HeadlessShell, type: EventType = 'problem_report.created'): Promise<string> {
  const eventId = `e2e:${randomUUID()}`
  const res = await fetch(`${shell.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${shell.ingestToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...SAMPLE_EVENTS[type], event_id: eventId }),
  })
  expect(res.status, await res.clone().text()).toBe(202)
  return eventId
}
