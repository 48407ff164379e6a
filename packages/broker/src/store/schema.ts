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
  // v2: FIFO groups and deduplication, receive attempts, retention sweeps, message move tasks.
  // A FIFO queue's groups are rows of \`fifo_groups\`; \`ready_at\` is when the group can next deliver
  // (its head is visible and nothing of it is in flight), so a receive reads the first few entries of
  // \`fifo_groups_ready\` whatever the number of groups or the backlog.
  `
  CREATE INDEX messages_group ON messages (queue_id, group_id, seq) WHERE group_id IS NOT NULL;
  CREATE INDEX messages_sent ON messages (queue_id, sent_at);
  CREATE TABLE fifo_groups (
    queue_id INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    ready_at INTEGER NOT NULL,
    head_seq INTEGER NOT NULL,
    PRIMARY KEY (queue_id, group_id)
  ) WITHOUT ROWID;
  CREATE INDEX fifo_groups_ready ON fifo_groups (queue_id, ready_at, head_seq);
  CREATE TABLE dedup (
    queue_id INTEGER NOT NULL,
    scope TEXT NOT NULL,
    dedup_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sequence_number TEXT,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (queue_id, scope, dedup_id)
  ) WITHOUT ROWID;
  CREATE INDEX dedup_expiry ON dedup (expires_at);
  CREATE TABLE receive_attempts (
    queue_id INTEGER NOT NULL,
    attempt_id TEXT NOT NULL,
    receipts TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (queue_id, attempt_id)
  ) WITHOUT ROWID;
  CREATE INDEX receive_attempts_expiry ON receive_attempts (expires_at);
  `,
  // v3: fair queues. The message groups of a standard queue, ordered by an approximate count of
  // messages in flight (receives minus deletes) and by when they were last served.
  `
  CREATE TABLE fair_groups (
    queue_id INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    in_flight INTEGER NOT NULL DEFAULT 0,
    served INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (queue_id, group_id)
  ) WITHOUT ROWID;
  CREATE INDEX fair_groups_order ON fair_groups (queue_id, in_flight, served);
  CREATE INDEX messages_group_ready ON messages (queue_id, group_id, visible_at) WHERE group_id IS NOT NULL;
  `,
  // v4: SNS. Topics, subscriptions (attributes as JSON; \`token\` authenticates the confirmation and
  // unsubscribe links) and the HTTP/S deliveries not yet acknowledged, ordered by when they are due.
  `
  CREATE TABLE sns_topics (
    arn TEXT PRIMARY KEY,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    attributes TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '{}',
    last_sequence INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE sns_subscriptions (
    arn TEXT PRIMARY KEY,
    topic_arn TEXT NOT NULL,
    protocol TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    attributes TEXT NOT NULL,
    confirmed INTEGER NOT NULL,
    token TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX sns_subscriptions_topic ON sns_subscriptions (topic_arn);
  CREATE TABLE sns_deliveries (
    id INTEGER PRIMARY KEY,
    subscription_arn TEXT NOT NULL,
    kind TEXT NOT NULL,
    message_id TEXT NOT NULL,
    body TEXT NOT NULL,
    raw INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    due_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX sns_deliveries_due ON sns_deliveries (due_at);
  `,
  // v5: message move tasks (StartMessageMoveTask). A task moves the messages its source queue held when
  // it started (those with \`seq <= max_seq\`); \`moved\` is written in the same transaction as each chunk
  // of moves, so a task resumed after a restart knows exactly how far it got.
  `
  CREATE TABLE move_tasks (
    id INTEGER PRIMARY KEY,
    task_id TEXT NOT NULL UNIQUE,
    source_arn TEXT NOT NULL,
    destination_arn TEXT,
    max_per_second INTEGER,
    status TEXT NOT NULL,
    moved INTEGER NOT NULL DEFAULT 0,
    to_move INTEGER NOT NULL,
    max_seq INTEGER NOT NULL,
    failure_reason TEXT,
    started_at INTEGER NOT NULL
  );
  CREATE INDEX move_tasks_source ON move_tasks (source_arn, id);
  CREATE INDEX move_tasks_status ON move_tasks (status);
  `,
  // v6: deleting a queue or purging it answers at once; the sweeper reclaims the messages in small
  // chunks afterwards (one huge DELETE would stall the broker and hold its dirty pages in memory).
  // \`dead_queues\` lists deleted queues whose messages remain; queue ids are never reused.
  `
  CREATE TABLE dead_queues (queue_id INTEGER PRIMARY KEY);
  `,
  // v7: SNS FIFO topic archives (ArchivePolicy). A topic's messages by its sequence number, which
  // replays read in order; \`sns_archive_time\` serves the expiry by publish time.
  `
  CREATE TABLE sns_archive (
    topic_arn TEXT NOT NULL,
    seq INTEGER NOT NULL,
    published_at INTEGER NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (topic_arn, seq)
  ) WITHOUT ROWID;
  CREATE INDEX sns_archive_time ON sns_archive (topic_arn, published_at);
  `,
  // v8: the logged engine's journal (\`logged/journal.ts\`): the end of the last frame applied to this
  // database, written in the transaction that applies it; what follows is read back at start.
  `
  CREATE TABLE log_position (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    segment INTEGER NOT NULL,
    offset INTEGER NOT NULL
  );
  `,
];

/**
 * The message indexes only the SQLite engine reads, which every ungrouped message pays for on insert
 * and delete: the logged engine reads its messages from the heap, so it drops them when it opens the
 * database (its log writer then keeps only the primary key up to date), and the SQLite engine creates
 * them again when it opens one (a scan of the messages it holds).
 */
export const SQLITE_ENGINE_INDEXES = {
  create: `
    CREATE INDEX IF NOT EXISTS messages_ready ON messages (queue_id, visible_at);
    CREATE INDEX IF NOT EXISTS messages_sent ON messages (queue_id, sent_at);
  `,
  drop: `
    DROP INDEX IF EXISTS messages_ready;
    DROP INDEX IF EXISTS messages_sent;
  `,
};

/** The schema version this code writes. */
export const SCHEMA_VERSION = migrations.length;
