import { z } from 'zod';
import { DurationError, parseDuration } from './duration.js';
import { LOG_LEVELS, type LogLevel } from './log.js';

/** The longest a hold may wait for a supervisor: a customer will not stand at a till for longer. */
const MAX_HOLD_DEADLINE_MS = 60 * 60_000;

const HoldDeadline = z.string().transform((text, ctx) => {
  try {
    const ms = parseDuration(text, ['s', 'm', 'h'], ['90s', '5m']);
    if (ms > MAX_HOLD_DEADLINE_MS) ctx.addIssue({ code: 'custom', message: 'A hold waits at most 1h for a supervisor' });
    return ms;
  } catch (error) {
    if (!(error instanceof DurationError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
});

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  VOUCHSAFE_DB: z.string().min(1).default('./data/vouchsafe.db'),
  VOUCHSAFE_RULES: z.string().min(1).default('./rules'),
  VOUCHSAFE_ADMIN_KEY: z
    .string()
    .min(32, 'VOUCHSAFE_ADMIN_KEY must be at least 32 characters: it guards every other key')
    .optional(),
  VOUCHSAFE_ID_SECRET: z
    .string()
    .min(32, 'VOUCHSAFE_ID_SECRET must be at least 32 characters')
    .optional(),
  VOUCHSAFE_LOG: z.enum(Object.keys(LOG_LEVELS) as [LogLevel, ...LogLevel[]]).default('info'),
  VOUCHSAFE_RULES_APPROVAL: z.enum(['single', 'two-person']).default('single'),
  VOUCHSAFE_CORS_ORIGINS: z
    .string()
    .transform((list) => list.split(',').map((origin) => origin.trim()).filter(Boolean))
    .pipe(z.array(z.url({ protocol: /^https?$/ }).transform((origin) => new URL(origin).origin)))
    .default([]),
  VOUCHSAFE_HOLD_DEADLINE: HoldDeadline.default(5 * 60_000),
  VOUCHSAFE_WEBHOOKS_ALLOW_HTTP: z.enum(['0', '1']).default('0'),
});

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databasePath: string;
  readonly rulesDirectory: string;
  readonly adminKey: string | undefined;
  readonly idSecret: string | undefined;
  readonly logLevel: LogLevel;
  /** `two-person`: a published rule set waits until a second admin approves it (maker-checker). */
  readonly ruleApproval: z.infer<typeof ConfigSchema>['VOUCHSAFE_RULES_APPROVAL'];
  /** Web origins of browser-based tills allowed to call the API (CORS); none by default. */
  readonly corsOrigins: readonly string[];
  /** How long a held sale waits for a supervisor before it counts as refused. */
  readonly holdDeadlineMs: number;
  /** Webhooks may also go to `http://` on this machine (tests, store-local receivers); otherwise `https://` only. */
  readonly webhooksAllowHttp: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the environment once, at start; a bad value stops the process with a message naming it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = ConfigSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n'),
    );
  }
  const c = result.data;
  return Object.freeze({
    port: c.PORT,
    host: c.HOST,
    databasePath: c.VOUCHSAFE_DB,
    rulesDirectory: c.VOUCHSAFE_RULES,
    adminKey: c.VOUCHSAFE_ADMIN_KEY,
    idSecret: c.VOUCHSAFE_ID_SECRET,
    logLevel: c.VOUCHSAFE_LOG,
    ruleApproval: c.VOUCHSAFE_RULES_APPROVAL,
    corsOrigins: c.VOUCHSAFE_CORS_ORIGINS,
    holdDeadlineMs: c.VOUCHSAFE_HOLD_DEADLINE,
    webhooksAllowHttp: c.VOUCHSAFE_WEBHOOKS_ALLOW_HTTP === '1',
  });
}
