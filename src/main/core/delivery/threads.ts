// Remembers the destination thread of each conversation per endpoint (Discord forum threads).
import { and, eq } from 'drizzle-orm'
import type { Db } from '../db/openDb'
import { threads } from '../db/schema'

export class ThreadStore {
  constructor(private readonly db: Db) {}

  get(endpointId: string, conversation: string): string | null {
    return (
      this.db
        .select({ threadId: threads.threadId })
        .from(threads)
        .where(and(eq(threads.endpointId, endpointId), eq(threads.conversation, conversation)))
        .get()?.threadId ?? null
    )
  }

  forget(endpointId: string, conversation: string): void {
    this.db.delete(threads).where(and(eq(threads.endpointId, endpointId), eq(threads.conversation, conversation))).run()
  }

  save(endpointId: string, conversation: string, threadId: string, now: number): void {
    this.db.insert(threads).values({ endpointId, conversation, threadId, createdAt: now }).onConflictDoNothing().run()
  }
}
