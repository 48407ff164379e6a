/** Distinct limits kept prepared per statement; more are prepared afresh (the cache starts over). */
const KEPT = 32;

/**
 * A statement with a `LIMIT`, prepared once per limit value with the number written into its SQL.
 *
 * SQLite compiles a statement whose LIMIT is a bound parameter again every time it runs: the value may
 * change the plan. With the SQLite that better-sqlite3 12 bundles (3.53) that recompilation costs
 * more than the query — measured +3.5 µs on a one-row SELECT over the primary key, +8.5 µs on a
 * FIFO group's state, +20 to +28 µs on the 10-row whole-message ready SELECT. The limits the store uses are
 * few (a receive takes at most 10 messages, chunks are constants), so a statement per value is cheap.
 */
export class Limited<S> {
  private readonly byLimit = new Map<number, S>();

  /**
   * @param prepare - prepares one SQL text (e.g. `(sql) => db.prepare(sql)`).
   * @param sql - the SQL with `limit` written in.
   */
  constructor(
    private readonly prepare: (sql: string) => S,
    private readonly sql: (limit: number) => string,
  ) {}

  /**
   * The statement for `limit`.
   * @throws RangeError when `limit` is not a non-negative safe integer (it becomes SQL text).
   */
  at(limit: number): S {
    let stmt = this.byLimit.get(limit);
    if (stmt === undefined) {
      if (!Number.isSafeInteger(limit) || limit < 0) {
        throw new RangeError(`a LIMIT must be a non-negative integer, not ${limit}`);
      }
      if (this.byLimit.size >= KEPT) this.byLimit.clear();
      stmt = this.prepare(this.sql(limit));
      this.byLimit.set(limit, stmt);
    }
    return stmt;
  }
}
