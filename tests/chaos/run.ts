import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `npm run chaos [-- --short] [-- --rounds=5 --seconds=3 --clients=16]`: the service killed with
// SIGKILL while tills write to it flat out, restarted, and every write it acknowledged looked for; then
// the suites in tests/chaos (PostgreSQL restarted under load, nodes started together on a new
// database). Loopback only, bounded in rounds and seconds; it stops by itself and exits non-zero if
// anything acknowledged is lost or a suite fails. `--short` runs every scenario with fewer rounds, for CI.

const short = process.argv.includes('--short');
const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const ROUNDS = Math.min(arg('rounds', short ? 2 : 5), 20);
const SECONDS = Math.min(arg('seconds', short ? 2 : 3), 30);
const CLIENTS = Math.min(arg('clients', 16), 64);
const STORE = 'chaos-store-001';

interface Service {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-chaos-'));
const databasePath = join(dir, 'vouchsafe.db');
const adminKey = `chaos-admin-${randomBytes(16).toString('hex')}`;

async function start(): Promise<Service> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', VOUCHSAFE_DB: databasePath, VOUCHSAFE_ADMIN_KEY: adminKey, VOUCHSAFE_LOG: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /"message":"vouchsafe listening","url":"([^"]+)"/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`the service exited with ${code} before listening:\n${stderr}`)));
  });
  return { child, url, exited };
}

async function api(url: string, key: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, json: (await response.json().catch(() => undefined)) as any };
}

interface Acknowledged {
  body: Record<string, unknown>;
  checkId: string;
  revision: number;
}

const basket = (transactionId: string, quantity: number) => ({
  storeId: STORE,
  tillId: 'T01',
  transactionId,
  currency: 'GBP',
  lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 5000, quantity }],
  customer: { loyaltyId: `L${transactionId.length % 50}` },
});

const acknowledged = new Map<string, Acknowledged>();
let sent = 0;
let failed = 0;

/** One till: new transactions, each sometimes changed once; remembers every 2xx. */
async function till(url: string, key: string, round: number, client: number, until: number) {
  let n = 0;
  while (Date.now() < until) {
    n += 1;
    const transactionId = `r${round}-c${client}-${n}`;
    for (const quantity of Math.random() < 0.3 ? [1, 3] : [1]) {
      const body = basket(transactionId, quantity);
      sent += 1;
      try {
        const response = await api(url, key, 'POST', '/v1/checks', body);
        if (response.status === 200 || response.status === 201) {
          acknowledged.set(transactionId, { body, checkId: response.json.checkId, revision: response.json.revision });
        } else failed += 1;
      } catch {
        failed += 1;
        return; // The service is gone: this till stops until the next round.
      }
    }
  }
}

async function verify(url: string, key: string): Promise<string[]> {
  const lost: string[] = [];
  for (const [transactionId, ack] of acknowledged) {
    const record = await api(url, key, 'GET', `/v1/checks/${ack.checkId}`);
    if (record.status !== 200) lost.push(`${transactionId}: ${ack.checkId} answers ${record.status}`);
    else if (record.json.decision.revision < ack.revision) lost.push(`${transactionId}: revision ${record.json.decision.revision} < acknowledged ${ack.revision}`);
  }
  return lost;
}

let lost: string[] = [];
try {
  let service = await start();
  const tillKey = (await api(service.url, adminKey, 'POST', '/v1/keys', { role: 'till', name: 'chaos till', storeIds: [STORE] })).json.key as string;
  for (let round = 1; round <= ROUNDS; round++) {
    const until = Date.now() + SECONDS * 1000;
    const tills = Array.from({ length: CLIENTS }, (_, client) => till(service.url, tillKey, round, client, until + 5_000));
    // Killed part-way through, at a moment no till chose.
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000 * (0.5 + Math.random() / 2)));
    service.child.kill('SIGKILL');
    await service.exited;
    await Promise.all(tills);
    const wal = existsSync(`${databasePath}-wal`) ? statSync(`${databasePath}-wal`).size : 0;
    service = await start();
    lost = await verify(service.url, tillKey);
    // A retry after the restart is recognised as the same check: the identity secret survived too.
    const sample = [...acknowledged.values()].slice(-20);
    for (const ack of sample) {
      const retry = await api(service.url, tillKey, 'POST', '/v1/checks', ack.body);
      if (retry.json?.checkId !== ack.checkId) lost.push(`retry of ${ack.checkId} made ${retry.json?.checkId ?? retry.status}`);
    }
    process.stdout.write(
      `round ${round}: killed with ${(wal / 1024 / 1024).toFixed(1)} MiB of WAL; restarted; ${acknowledged.size} acknowledged checks so far, ${lost.length} lost\n`,
    );
    if (lost.length > 0) break;
  }
  service.child.kill('SIGTERM');
  await service.exited;
  const walAfterStop = existsSync(`${databasePath}-wal`) ? statSync(`${databasePath}-wal`).size : 0;
  process.stdout.write(`${sent} checks sent, ${acknowledged.size} transactions acknowledged, ${failed} unanswered or refused; WAL after a clean stop: ${walAfterStop} bytes\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
for (const line of lost.slice(0, 20)) process.stdout.write(`LOST ${line}\n`);
process.stdout.write(`${lost.length === 0 ? 1 : 0} passed, ${lost.length === 0 ? 0 : 1} failed\n`);
if (lost.length > 0) process.exit(1);

const suites = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'vitest.chaos.config.ts'], {
  env: { ...process.env, ...(short ? { VOUCHSAFE_CHAOS_SHORT: '1' } : {}) },
  stdio: 'inherit',
});
process.exitCode = await new Promise<number>((resolve) => suites.once('exit', (code) => resolve(code ?? 1)));
