import postgres from 'postgres';

/** What a repository queries: the pool outside a transaction, the transaction's connection inside one. */
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
  return sql as unknown as postgres.Sql;
}

/** The URL without its password, for logs and error messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/**
 * A value for a json or jsonb column, written `${json(value)}::jsonb`: the cast makes the server
 * describe the parameter as JSON, and postgres.js then serializes the value itself. (A string already
 * stringified would be stored as a JSON string.) Such columns come back parsed.
 */
export const json = (value: unknown): postgres.SerializableParameter => value as postgres.SerializableParameter;
