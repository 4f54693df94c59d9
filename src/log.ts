import { AsyncLocalStorage } from 'node:async_hooks';

export const LOG_LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LOG_LEVELS;
type Level = Exclude<LogLevel, 'silent'>;

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What the work under way is about (its request id, the store it acts for): on every line it logs. */
export interface LogContext {
  requestId?: string;
  traceId?: string;
  storeId?: string;
}

// One object per request, so that what is learnt half-way (the store) reaches the lines after it,
// the access log among them, without every call passing it down.
const current = new AsyncLocalStorage<LogContext>();

/** Runs `work` with `fields` on every line it logs, and on every line logged by what it starts. */
export function withLogContext<T>(fields: LogContext, work: () => T): T {
  return current.run({ ...current.getStore(), ...fields }, work);
}

/** Adds to the context of the work under way (nothing outside one): the lines logged after this carry it. */
export function addLogContext(fields: LogContext): void {
  const context = current.getStore();
  if (context) Object.assign(context, fields);
}

/** The context of the work under way, if any: what an outbox event records of the request that caused it. */
export function logContext(): Readonly<LogContext> {
  return current.getStore() ?? {};
}

/** One JSON object per line on stderr, so log shippers can read it and stdout stays free. */
export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const threshold = LOG_LEVELS[level];
  const log = (at: Level) => (message: string, fields: Record<string, unknown> = {}) => {
    if (LOG_LEVELS[at] < threshold) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level: at, message, ...current.getStore(), ...fields })}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
