/** The database a span is about, as OpenTelemetry names it (`db.system.name`). */
export type DatabaseSystem = 'sqlite' | 'postgresql';

/**
 * Runs `work` as one span of database work named `operation` (`checks.save`, `transaction`): the
 * store's seam for tracing, given by whoever opens it. It returns what `work` returns, a promise
 * included, and ends the span when that settles. The store knows nothing of the tracer behind it.
 */
export type StoreSpan = <T>(system: DatabaseSystem, operation: string, work: () => T) => T;

const isGenerator = (member: unknown) => {
  const kind = Object.prototype.toString.call(member);
  return kind === '[object GeneratorFunction]' || kind === '[object AsyncGeneratorFunction]';
};

/**
 * Every call of `repository`, however deep, as a span named for it (`checks.save`). Cursors are left
 * as they are: an export reads one for minutes, a span of it would say nothing a route's does not.
 * Wrapped once, where the store is opened, and only when tracing is on: otherwise nothing changes.
 */
export function traced<T>(repository: T, system: DatabaseSystem, span: StoreSpan, path = ''): T {
  if (typeof repository !== 'object' || repository === null) return repository;
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(repository as Record<string, unknown>)) {
    const operation = path ? `${path}.${name}` : name;
    if (typeof member !== 'function') wrapped[name] = traced(member, system, span, operation);
    else if (isGenerator(member)) wrapped[name] = member;
    else wrapped[name] = (...args: unknown[]) => span(system, operation, () => (member as (...args: unknown[]) => unknown).apply(repository, args));
  }
  return wrapped as T;
}
