import postgres from 'postgres';

/** What a repository queries: the pool outside a transaction, the transaction's connection inside one. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- postgres.js's own spelling of "no custom types"
export type Queryable = postgres.ISql<{}>;

/**
 * How the adapter connects. bigint (epoch-ms times, money in minor units, counts) and numeric (sums)
 * come back as numbers, as they do from SQLite: every such value here is a whole number well inside
 * 2^53.
 */
export function connect(url: string, { max }: { max: number }): postgres.Sql {
  const sql = postgres(url, {
    max,
    onnotice: () => {},
    // Between attempts to reconnect, as postgres.js's own back-off but at most 2 s (not 20 s): a node
    // finds its database again within seconds of its return.
    backoff: (retries: number) => (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, 2),
    types: {
      wholeNumber: { to: 20, from: [20, 1700], serialize: (value: number) => String(value), parse: (value: string) => Number(value) },
    },
  });
  return sql;
}

/**
 * The URL without its password, for logs and error messages: the password is masked whether it is in
 * the user part or a query parameter (`?password=`, which postgres.js also reads), and a URL that does
 * not parse is not shown at all.
 */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const name of [...parsed.searchParams.keys()]) if (/pass/i.test(name)) parsed.searchParams.set(name, '***');
    return parsed.toString();
  } catch {
    return 'postgres://(a URL that does not parse)';
  }
}

/**
 * A value for a json or jsonb column, written `${json(value)}::jsonb`: the cast makes the server
 * describe the parameter as JSON, and postgres.js then serializes the value itself. (A string already
 * stringified would be stored as a JSON string.) Such columns come back parsed.
 */
export const json = (value: unknown): postgres.SerializableParameter => value as postgres.SerializableParameter;

/** Runs work in one transaction: a new one, or the one the caller is already in. */
export type Atomically = <T>(work: (tx: Queryable) => Promise<T>) => Promise<T>;

/**
 * Runs `work` in a transaction on a connection of its own. Unlike postgres.js's `sql.begin`, which
 * waits for BEGIN's answer before the work starts, BEGIN goes to the server in one write with the
 * work's first statements (postgres.js pipelines a connection's queries): one round trip fewer on
 * every check, whose database may be across a network. A transaction the server has aborted (a
 * statement in it failed, though the work went on) answers COMMIT with ROLLBACK; that is an error
 * here, never a silent loss.
 */
export async function transactionOn<T>(pool: postgres.Sql, work: (tx: Queryable) => Promise<T>): Promise<T> {
  const connection = await pool.reserve();
  let result: T;
  try {
    const begun = connection`BEGIN`.execute();
    try {
      result = await work(connection);
    } finally {
      // BEGIN's answer came before any of the work's: waited for here only so that it is never an unhandled rejection.
      await begun.catch(() => undefined);
    }
    const committed = await connection`COMMIT`;
    if (committed.command !== 'COMMIT') throw new Error('the transaction was rolled back by the server: a statement in it failed');
    return result;
  } catch (error) {
    await connection`ROLLBACK`.catch(() => {
      // The connection is gone, and the transaction with it.
    });
    throw error;
  } finally {
    connection.release();
  }
}
