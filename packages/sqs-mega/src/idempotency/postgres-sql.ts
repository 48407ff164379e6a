/** Checks a table name (optionally schema-qualified) and quotes it for SQL. */
export function quoteTable(table: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/.test(table))
    throw new TypeError(
      `postgresStore: table must be an SQL identifier [A-Za-z_][A-Za-z0-9_]*, optionally schema-qualified (got ${JSON.stringify(table)})`,
    );
  return table
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

/**
 * The SQL that creates the idempotency table (what `postgresStore` runs itself unless
 * `createTable: false`), for a migration tool. `key` is the idempotency key; `owner` the claimant
 * while `state = 'claimed'`; `expires_at` the lease's end, or the completion record's.
 */
export function idempotencyMigrationSql(table = 'mega_idempotency'): string {
  const name = quoteTable(table);
  const index = quoteTable(`${table.replace(/\./g, '_')}_expires_idx`.split('.').pop() ?? 'idx');
  return `CREATE TABLE IF NOT EXISTS ${name} (
  key text PRIMARY KEY,
  state text NOT NULL CHECK (state IN ('claimed', 'done')),
  owner uuid,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ${index} ON ${name} (expires_at);
`;
}

/** The statements of the store, for one table. */
export function statements(table: string) {
  const t = quoteTable(table);
  return {
    /** $1 key, $2 owner, $3 lease ms: a row back means claimed (new, or an expired one taken over). */
    claim: `INSERT INTO ${t} AS t (key, state, owner, expires_at)
VALUES ($1, 'claimed', $2, now() + $3 * interval '1 millisecond')
ON CONFLICT (key) DO UPDATE SET state = 'claimed', owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
WHERE t.expires_at < now() RETURNING key`,
    /** $1 key: the row's state and the ms left. */
    peek: `SELECT state, GREATEST(0, EXTRACT(EPOCH FROM (expires_at - now())) * 1000)::float8 AS left_ms FROM ${t} WHERE key = $1`,
    /** $1 key, $2 ttl ms. */
    complete: `INSERT INTO ${t} AS t (key, state, owner, expires_at)
VALUES ($1, 'done', NULL, now() + $2 * interval '1 millisecond')
ON CONFLICT (key) DO UPDATE SET state = 'done', owner = NULL, expires_at = EXCLUDED.expires_at`,
    /** $1 key, $2 owner. */
    release: `DELETE FROM ${t} WHERE key = $1 AND owner = $2 AND state = 'claimed'`,
    /** $1 key, $2 owner, $3 lease ms. */
    extend: `UPDATE ${t} SET expires_at = now() + $3 * interval '1 millisecond' WHERE key = $1 AND owner = $2 AND state = 'claimed'`,
    /** $1 key, $2 ttl ms: inside the caller's transaction; a row back means this transaction owns the key. */
    claimDone: `INSERT INTO ${t} AS t (key, state, owner, expires_at)
VALUES ($1, 'done', NULL, now() + $2 * interval '1 millisecond')
ON CONFLICT (key) DO UPDATE SET state = 'done', owner = NULL, expires_at = EXCLUDED.expires_at
WHERE t.expires_at < now() RETURNING key`,
    purge: `DELETE FROM ${t} WHERE expires_at < now()`,
  };
}
