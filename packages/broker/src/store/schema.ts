/**
 * The store's schema, as an ordered list of migrations. `PRAGMA user_version` records how many have
 * been applied; opening an older database applies the rest, in one transaction each.
 *
 * Messages keep everything SQS needs about them in one row. The `messages_ready` index orders each
 * queue's messages by the instant they become receivable, so a receive reads the first few entries of
 * one index range whatever the backlog.
 */
export const migrations: readonly string[] = [
  // v1: queues and messages (standard queues; FIFO, DLQ and retention columns are there from the start).
  `
  CREATE TABLE queues (
    id INTEGER PRIMARY KEY,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    fifo INTEGER NOT NULL DEFAULT 0,
    attributes TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    modified_at INTEGER NOT NULL,
    last_purged_at INTEGER,
    last_sequence INTEGER NOT NULL DEFAULT 0,
    UNIQUE (region, name)
  );
  CREATE TABLE messages (
    seq INTEGER PRIMARY KEY,
    queue_id INTEGER NOT NULL,
    message_id TEXT NOT NULL,
    body TEXT NOT NULL,
    attributes TEXT,
    md5_body TEXT NOT NULL,
    md5_attributes TEXT,
    sent_at INTEGER NOT NULL,
    visible_at INTEGER NOT NULL,
    receive_count INTEGER NOT NULL DEFAULT 0,
    first_received_at INTEGER,
    received_at INTEGER,
    receipt TEXT,
    sender_id TEXT NOT NULL,
    trace_header TEXT,
    group_id TEXT,
    dedup_id TEXT,
    sequence_number TEXT,
    dead_letter_source_arn TEXT
  );
  CREATE INDEX messages_ready ON messages (queue_id, visible_at);
  `,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = migrations.length;
