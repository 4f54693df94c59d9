/**
 * A repository not yet written for PostgreSQL: every call, however deep (`reports.rollups.step()`),
 * throws saying which. Goes once every repository has its PostgreSQL file.
 */
export function notYetOnPostgres<T>(name: string): T {
  const member = (path: string): unknown => {
    const stub = new Proxy(() => {}, {
      get: (_target, property) => (typeof property === 'string' ? member(`${path}.${property}`) : undefined),
      apply: () => {
        throw new Error(`not yet on PostgreSQL: ${path}`);
      },
    });
    stubs.add(stub);
    return stub;
  };
  return member(name) as T;
}

const stubs = new WeakSet<object>();

/** Whether `value` is such a repository, or a part of one. */
export const isNotYetOnPostgres = (value: unknown): boolean => typeof value === 'function' && stubs.has(value);
