import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { aCheck, STORE, testApp } from '../helpers/app.js';

const run = promisify(execFile);

/** The command as a user runs it: `vouchsafe …` through the package's bin. */
async function vouchsafe(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return vouchsafeWith({}, ...args);
}

async function vouchsafeWith(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/vouchsafe.mjs', ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function rulesCopy(edit?: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-rules-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  cpSync('rules', dir, { recursive: true });
  edit?.(dir);
  return dir;
}

function replaceIn(file: string, from: string, to: string) {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
  writeFileSync(file, text.replace(from, to));
}

describe('vouchsafe rules', () => {
  it('check passes the default rules, and fails a misspelt fact naming file, line and rule', async () => {
    const ok = await vouchsafe('rules', 'check', 'rules');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/\d+ rules \(1 shadow\), version sha-[0-9a-f]{16}: no problems found/);

    const dir = rulesCopy((d) => replaceIn(join(d, 'history.yaml'), 'history.h1.checks >= 1', 'history.h1.chekcs >= 1'));
    const broken = await vouchsafe('rules', 'check', dir);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('history.yaml:11:11 [back-within-the-hour]: when: No such key: chekcs');
  });

  it('check warns of duplicate and unreachable rules, and fails on them with --strict', async () => {
    const dir = rulesCopy((d) =>
      replaceIn(
        join(d, 'value-and-age.yaml'),
        'rules:\n',
        'rules:\n  - id: impossible\n    when: giftCards.total > 50000 && giftCards.total < 20000\n    score: 10\n    reason: never\n' +
          '  - id: twin\n    when: customerTotal.h24 >= 25000 &&   customerTotal.h24 < 50000\n    score: 5\n    reason: twin\n',
      ),
    );
    const warned = await vouchsafe('rules', 'check', dir);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain('[impossible]: matched no test and none of 20,000 sampled checks: it may be unreachable');
    expect(warned.stdout).toMatch(/has the same condition as twin/);
    expect((await vouchsafe('rules', 'check', dir, '--strict')).code).toBe(1);
  });

  it('test reports each failing case with what it expected and got', async () => {
    const dir = rulesCopy((d) => replaceIn(join(d, 'value-and-age.yaml'), 'score: 30', 'score: 5'));
    const result = await vouchsafe('rules', 'test', dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ scenarios.yaml: Markyate — 87-year-old buying £500 of iTunes vouchers, nothing else noticed, is held');
    expect(result.stdout).toMatch(/action: expected hold, got prompt \(score 45; matched older-customer-80-plus \+25, large-cash-purchase \+10, gift-cards-over-500 \+5/);
    expect(result.stdout).toMatch(/\d+ passed, \d+ failed/);
    expect((await vouchsafe('rules', 'test', 'rules')).code).toBe(0);
  });
});

describe('vouchsafe keys, purge and backtest', () => {
  it('makes a working key straight into the database', async () => {
    const { databasePath, services } = await testApp();
    await services.store.close();
    const made = await vouchsafe('keys', 'create', '--role', 'till', '--name', 'Hitchin tills', '--store', STORE, '--db', databasePath, '--json');
    expect(made.code).toBe(0);
    const { key, role, storeIds } = JSON.parse(made.stdout);
    expect({ role, storeIds }).toEqual({ role: 'till', storeIds: [STORE] });
    const restarted = await testApp({ databasePath });
    expect((await restarted.call('POST', '/v1/checks', { key, body: aCheck() })).status).toBe(201);
    await restarted.services.store.close();
    const db = new Database(databasePath, { readonly: true });
    const stored = db.prepare('SELECT role, secret_hash FROM api_keys WHERE name = ?').get('Hitchin tills') as { role: string; secret_hash: string };
    const audit = db.prepare("SELECT actor FROM audit_log WHERE action = 'key.created' ORDER BY id DESC LIMIT 1").get() as { actor: string };
    db.close();
    expect(stored.role).toBe('till');
    expect(stored.secret_hash).not.toContain(key);
    expect(audit.actor).toBe('cli');

    const refused = await vouchsafe('keys', 'create', '--role', 'till', '--name', 'no stores', '--db', databasePath);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('storeIds: A till key must name the stores it serves');
  });

  it('purges checks older than the retention period, with everything about them, and audits it', async () => {
    const { call, makeKey, databasePath, services } = await testApp();
    const till = await makeKey('till', [STORE]);
    const old = new Date(Date.now() - 500 * 86_400_000).toISOString();
    for (const occurredAt of [old, old, new Date().toISOString()]) {
      await call('POST', '/v1/checks', { key: till, body: aCheck({ occurredAt, customer: { loyaltyId: '634004000123456' } }) });
    }
    await services.store.close();
    const dry = await vouchsafe('purge', '--older-than', '400d', '--dry-run', '--db', databasePath);
    expect(dry.stdout).toMatch(/^2 checks occurred before .* and would be deleted/);
    const purged = await vouchsafe('purge', '--older-than', '400d', '--db', databasePath);
    expect(purged.code).toBe(0);
    expect(purged.stdout).toMatch(/^Deleted 2 checks/);
    const db = new Database(databasePath, { readonly: true });
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect([count('checks'), count('evaluations'), count('check_identities')]).toEqual([1, 1, 1]);
    expect(db.prepare("SELECT detail FROM audit_log WHERE action = 'data.purged'").get()).toBeDefined();
    // The report roll-ups no longer count the purged checks, and nothing is left for a report to catch up.
    expect(count('report_dirty')).toBe(0);
    expect((db.prepare("SELECT sum(checks) AS n FROM report_days WHERE dimension = 'all' AND store_id = '*'").get() as { n: number }).n).toBe(1);
    db.close();
    const bad = await vouchsafe('purge', '--older-than', 'forever', '--db', databasePath);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a duration');
  });

  it('back-tests a rules directory against the active rule set', async () => {
    const { call, makeKey, databasePath, services } = await testApp();
    const till = await makeKey('till', [STORE]);
    const decided = await call('POST', '/v1/checks', {
      key: till,
      body: aCheck({ lines: [{ kind: 'gift_card', brand: 'razer_gold', unitAmount: 5000 }] }),
    });
    await call('POST', `/v1/checks/${decided.json.checkId}/outcome`, { key: till, body: { outcome: 'scam_confirmed' } });
    await services.store.close();
    const dir = rulesCopy((d) =>
      writeFileSync(
        join(d, 'razer.yaml'),
        'rules:\n  - id: razer-gold-over-50\n    when: \'"razer_gold" in giftCards.brands && giftCards.total >= 5000\'\n    score: 50\n    reason: Razer Gold\n',
      ),
    );
    const result = await vouchsafe('backtest', '--rules', dir, '--db', databasePath, '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.checks).toBe(1);
    expect(report.baseline).toMatchObject({ scamsStopped: 0, scamsMissed: 1 });
    expect(report.candidate).toMatchObject({ scamsStopped: 1, recall: 1, valueProtected: 5000 });
    const text = await vouchsafe('backtest', '--rules', dir, '--db', databasePath);
    expect(text.stdout).toContain('confirmed scams stopped');
    expect(text.stdout).toMatch(/allow → hold: 1/);
    // Both stages, each labelled, for both rule sets.
    expect(text.stdout).toContain('At the first screen, before any answer');
    expect(text.stdout).toContain('After the answers the colleague recorded');
    expect(text.stdout).toContain('The candidate would stop 1 check the baseline never asked about');
  });
});

describe('vouchsafe serve', () => {
  it('refuses a database it will not guess about as npm start does: exit 78 and one line, no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-serve-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const databasePath = join(dir, 'vouchsafe.db');
    writeFileSync(databasePath, 'this is not a database, just some text long enough to look like a file');
    // The refusal comes after the start has begun (opening the database): a start not awaited turns it
    // into an unhandled rejection, exit 1 and a stack trace.
    const served = await vouchsafeWith({ VOUCHSAFE_DB: databasePath, PORT: '0' }, 'serve');
    expect(served.code).toBe(78);
    expect(served.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Vouchsafe cannot start: the database .* is corrupt/)]);
  });
});
