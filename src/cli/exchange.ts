import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { ConfigError } from '../config.js';
import { District } from '../contract/exchange.js';
import { DEFAULT_EVALUATIONS_PER_MINUTE, createExchange } from '../exchange/exchange.js';
import { createExchangeMember, DEFAULT_EXCHANGE_TIMEOUT_MS, type ExchangeMember } from '../exchange/member.js';
import { generateOprfKey, parseOprfKey } from '../exchange/oprf.js';
import { generateMemberKeys, MEMBER_ID, parsePrivateKey, parsePublicKey } from '../exchange/signing.js';
import { createExchangeApp } from '../http/exchange/app.js';
import { createLogger, type Logger, LOG_LEVELS, type LogLevel } from '../log.js';
import { openExchangeStore } from '../store/exchange.js';
import type { Output } from './rules.js';

/** How often the exchange forgets nonces and sightings past their keeping times. */
const PURGE_EVERY_MS = 60_000;

const readSecretFile = (variable: string, path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
};

const wholeNumber = (variable: string, value: string | undefined, fallback: number, { min, max }: { min: number; max: number }) => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${variable}: a whole number from ${min} to ${max}`);
  return n;
};

/**
 * A member's exchange settings: all of VOUCHSAFE_EXCHANGE_URL, _MEMBER_ID and _KEY_FILE, or none (no
 * exchange). Anything half set, a URL that is not http(s), or a key that is not Ed25519 stops the
 * start with a line naming the variable.
 */
export function exchangeMemberFromEnv(env: NodeJS.ProcessEnv, logger: Logger): ExchangeMember | undefined {
  const url = env.VOUCHSAFE_EXCHANGE_URL || undefined;
  const memberId = env.VOUCHSAFE_EXCHANGE_MEMBER_ID || undefined;
  const keyFile = env.VOUCHSAFE_EXCHANGE_KEY_FILE || undefined;
  if (!url && !memberId && !keyFile) return undefined;
  const missing = [!url && 'VOUCHSAFE_EXCHANGE_URL', !memberId && 'VOUCHSAFE_EXCHANGE_MEMBER_ID', !keyFile && 'VOUCHSAFE_EXCHANGE_KEY_FILE'].filter(Boolean);
  if (missing.length > 0) throw new ConfigError(`${missing.join(', ')}: set with the other VOUCHSAFE_EXCHANGE_ settings, or leave all unset`);
  let parsed: URL;
  try {
    parsed = new URL(url!);
  } catch {
    throw new ConfigError('VOUCHSAFE_EXCHANGE_URL: not a URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConfigError('VOUCHSAFE_EXCHANGE_URL: an http(s) URL');
  if (!MEMBER_ID.test(memberId!)) throw new ConfigError('VOUCHSAFE_EXCHANGE_MEMBER_ID: lower-case letters, digits and -, 2 to 63 characters');
  let privateKey;
  try {
    privateKey = parsePrivateKey(readSecretFile('VOUCHSAFE_EXCHANGE_KEY_FILE', keyFile!));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`VOUCHSAFE_EXCHANGE_KEY_FILE: ${(error as Error).message}`);
  }
  const timeoutMs = wholeNumber('VOUCHSAFE_EXCHANGE_TIMEOUT_MS', env.VOUCHSAFE_EXCHANGE_TIMEOUT_MS, DEFAULT_EXCHANGE_TIMEOUT_MS, { min: 10, max: 2_000 });
  const districts = parseDistricts(env.VOUCHSAFE_EXCHANGE_DISTRICTS ?? '');
  logger.info('member of a retailers’ exchange', { url: parsed.origin, memberId, timeoutMs, storesSharingAlerts: districts.size });
  return createExchangeMember({ url: parsed.href, memberId: memberId!, privateKey, timeoutMs, districts });
}

/** `storeId=district` pairs, comma-separated: `herts-stevenage-012=SG1,herts-hitchin-004=SG4`. */
function parseDistricts(text: string): Map<string, string> {
  const districts = new Map<string, string>();
  for (const pair of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [storeId, district, ...rest] = pair.split('=').map((part) => part.trim());
    if (!storeId || !district || rest.length > 0) throw new ConfigError(`VOUCHSAFE_EXCHANGE_DISTRICTS: "${pair}" is not storeId=district`);
    if (!District.safeParse(district).success) throw new ConfigError(`VOUCHSAFE_EXCHANGE_DISTRICTS: "${district}" is not a postcode district (AL3) or ZIP3 (441); a full postcode is never shared`);
    districts.set(storeId, district);
  }
  return districts;
}

/** The members file: `{ "members": [{ "id": "acme", "publicKey": "-----BEGIN PUBLIC KEY-----…" }] }`. */
function readMembers(path: string) {
  let json: unknown;
  try {
    json = JSON.parse(readSecretFile('VOUCHSAFE_EXCHANGE_MEMBERS_FILE', path));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`VOUCHSAFE_EXCHANGE_MEMBERS_FILE: ${path} is not JSON`);
  }
  const list = (json as { members?: unknown }).members;
  if (!Array.isArray(list) || list.length === 0) throw new ConfigError(`VOUCHSAFE_EXCHANGE_MEMBERS_FILE: ${path} needs a non-empty "members" list`);
  const members = new Map<string, ReturnType<typeof parsePublicKey>>();
  for (const [i, entry] of list.entries()) {
    const { id, publicKey } = (entry ?? {}) as { id?: unknown; publicKey?: unknown };
    if (typeof id !== 'string' || !MEMBER_ID.test(id)) throw new ConfigError(`VOUCHSAFE_EXCHANGE_MEMBERS_FILE: members[${i}].id must be lower-case letters, digits and -`);
    if (members.has(id)) throw new ConfigError(`VOUCHSAFE_EXCHANGE_MEMBERS_FILE: member ${id} is listed twice`);
    try {
      members.set(id, parsePublicKey(String(publicKey)));
    } catch (error) {
      throw new ConfigError(`VOUCHSAFE_EXCHANGE_MEMBERS_FILE: members[${i}].publicKey: ${(error as Error).message}`);
    }
  }
  return members;
}

/** `vouchsafe exchange serve`: the exchange, configured by environment (docs/exchange.md). */
export async function runExchange(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const level = (env.VOUCHSAFE_LOG && env.VOUCHSAFE_LOG in LOG_LEVELS ? env.VOUCHSAFE_LOG : 'info') as LogLevel;
  const logger = createLogger(level);
  const keyFile = env.VOUCHSAFE_EXCHANGE_OPRF_KEY_FILE;
  const membersFile = env.VOUCHSAFE_EXCHANGE_MEMBERS_FILE;
  if (!keyFile) throw new ConfigError('VOUCHSAFE_EXCHANGE_OPRF_KEY_FILE: the file with the exchange’s OPRF key (make one with `vouchsafe exchange keys`)');
  if (!membersFile) throw new ConfigError('VOUCHSAFE_EXCHANGE_MEMBERS_FILE: the file listing members and their public keys');
  let oprfKey;
  try {
    oprfKey = parseOprfKey(readSecretFile('VOUCHSAFE_EXCHANGE_OPRF_KEY_FILE', keyFile));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`VOUCHSAFE_EXCHANGE_OPRF_KEY_FILE: ${(error as Error).message}`);
  }
  const members = readMembers(membersFile);
  const port = wholeNumber('PORT', env.PORT, 8090, { min: 0, max: 65_535 });
  const evaluationsPerMinute = wholeNumber('VOUCHSAFE_EXCHANGE_EVALUATIONS_PER_MINUTE', env.VOUCHSAFE_EXCHANGE_EVALUATIONS_PER_MINUTE, DEFAULT_EVALUATIONS_PER_MINUTE, { min: 1, max: 1_000_000 });
  const store = await openExchangeStore(env.VOUCHSAFE_EXCHANGE_DB || './data/exchange.db');
  const exchange = createExchange({ store, oprfKey, members, logger, evaluationsPerMinute });
  const purge = setInterval(() => {
    exchange.purge().catch((error: unknown) => logger.error('purging the exchange failed', { error: error instanceof Error ? error.message : String(error) }));
  }, PURGE_EVERY_MS);
  const server = serve({ fetch: createExchangeApp(exchange, logger).fetch, port, hostname: env.HOST || '127.0.0.1' }, (info) => {
    logger.info('exchange listening', { port: info.port, members: members.size, storage: store.kind });
  }) as Server;
  const stop = () => {
    clearInterval(purge);
    server.close(() => void store.close());
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** `vouchsafe exchange keys`: a new OPRF key for the exchange, or a member's key pair. */
export function printExchangeKeys(kind: 'oprf' | 'member', output: Output): void {
  if (kind === 'oprf') {
    output.out(generateOprfKey());
    return;
  }
  const { privateKey, publicKey } = generateMemberKeys();
  output.out(privateKey.trimEnd());
  output.out(publicKey.trimEnd());
}
