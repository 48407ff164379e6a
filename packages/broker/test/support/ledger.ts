// What clients were told: the audit side of the crash tests. A send is acknowledged when the broker
// answered 200; a delete likewise. After the crash, the messages left in the store must include every
// acknowledged send that no delete was attempted for, and no acknowledged delete.

import { join } from 'node:path';
import Database from 'better-sqlite3';

export class Ledger {
  readonly ackedSends = new Set<string>();
  readonly attemptedDeletes = new Set<string>();
  readonly ackedDeletes = new Set<string>();

  /** Reads the bodies of the queue's stored messages straight from the database file. */
  static storedBodies(dataDir: string, queueName: string): Set<string> {
    const db = new Database(join(dataDir, 'broker.db'), { readonly: true });
    try {
      const rows = db
        .prepare('SELECT m.body FROM messages m JOIN queues q ON q.id = m.queue_id WHERE q.name = ?')
        .all(queueName) as Array<{ body: string }>;
      return new Set(rows.map((r) => r.body));
    } finally {
      db.close();
    }
  }

  /** Acknowledged sends missing from the store without any delete attempted. */
  lost(stored: Set<string>): string[] {
    return [...this.ackedSends].filter((b) => !stored.has(b) && !this.attemptedDeletes.has(b));
  }

  /** Acknowledged deletes whose message is back in the store. */
  resurrected(stored: Set<string>): string[] {
    return [...this.ackedDeletes].filter((b) => stored.has(b));
  }
}
