import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { DOC_PAGES, docCommands, markdownPages, type ShellCommand } from '../helpers/docs.js';
import { type ServiceProcess, startService } from '../helpers/service-process.js';

// Every command of the README and docs/, in order, as one session against a real service on loopback
// (docs/README.md, "The commands in these pages", says how each kind is treated).
const ROOT = join(import.meta.dirname, '..', '..');
const DOCUMENTED_URL = 'http://127.0.0.1:8787';
const DOCUMENTED_RECEIVER = 'https://lp.example.com';
const run = promisify(execFile);
const has = (command: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const missing = ['bash', 'curl'].filter((command) => !has(command));
if (missing.length > 0) console.warn(`tests/docs/commands.test.ts: no ${missing.join(' or ')} here, so the documented commands are not run`);
const python = has('python3');
if (!python) console.warn('tests/docs/commands.test.ts: no python3 here, so the documented python3 commands are not run');

const work = mkdtempSync(join(tmpdir(), 'vouchsafe-docs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// -------- Answers: the JSON shown is a part of what comes back, ids and times aside --------

const ID = /^(chk|key|whk|dlv|evt|vsk|vst|whsec)_/;
const VERSION = /^sha-[0-9a-f]+$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const ELLIPSIS = '…';

/** Documented value → the value this run got in its place (ids, keys, secrets, versions). */
const learnt = new Map<string, string>();

function learn(documented: string, actual: string, path: string, problems: string[]) {
  const before = learnt.get(documented);
  if (before !== undefined && before !== actual) problems.push(`${path}: ${documented} stood for ${before} earlier, and for ${actual} here`);
  else learnt.set(documented, actual);
}

function compare(documented: unknown, actual: unknown, path: string, problems: string[]): void {
  if (documented === ELLIPSIS) return;
  if (typeof documented === 'string') {
    if (typeof actual !== 'string') return void problems.push(`${path}: expected a string like ${JSON.stringify(documented)}, got ${JSON.stringify(actual)}`);
    const id = ID.exec(documented)?.[1];
    if (id !== undefined) {
      if (ID.exec(actual)?.[1] !== id) problems.push(`${path}: expected an id starting ${id}_, got ${actual}`);
      else learn(documented, actual, path, problems);
    } else if (VERSION.test(documented)) {
      if (!VERSION.test(actual)) problems.push(`${path}: expected a rule set version, got ${actual}`);
      else learn(documented, actual, path, problems);
    } else if (TIME.test(documented)) {
      if (!TIME.test(actual)) problems.push(`${path}: expected a time, got ${actual}`);
    } else if (documented.includes(ELLIPSIS)) {
      const pattern = new RegExp(`^${documented.split(ELLIPSIS).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*')}$`);
      if (!pattern.test(actual)) problems.push(`${path}: expected ${JSON.stringify(documented)}, got ${JSON.stringify(actual)}`);
    } else if (documented !== actual) {
      problems.push(`${path}: expected ${JSON.stringify(documented)}, got ${JSON.stringify(actual)}`);
    }
    return;
  }
  if (Array.isArray(documented)) {
    if (!Array.isArray(actual)) return void problems.push(`${path}: expected a list, got ${JSON.stringify(actual)}`);
    const open = documented.at(-1) === ELLIPSIS;
    const items = open ? documented.slice(0, -1) : documented;
    if (open ? actual.length < items.length : actual.length !== items.length) {
      return void problems.push(`${path}: expected ${open ? 'at least ' : ''}${items.length} items, got ${actual.length}`);
    }
    items.forEach((item, index) => compare(item, actual[index], `${path}[${index}]`, problems));
    return;
  }
  if (documented !== null && typeof documented === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return void problems.push(`${path}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [key, value] of Object.entries(documented)) {
      if (!(key in actual)) problems.push(`${path}.${key}: missing`);
      else compare(value, (actual as Record<string, unknown>)[key], `${path}.${key}`, problems);
    }
    return;
  }
  if (documented !== actual) problems.push(`${path}: expected ${JSON.stringify(documented)}, got ${JSON.stringify(actual)}`);
}

// -------- The session: one service, one shell's variables --------

const variables: Record<string, string> = {};
let service: ServiceProcess | undefined;
let serviceUrl = '';
const database = join(work, 'data', 'vouchsafe.db');

/** The webhook receiver the docs call https://lp.example.com: here, on loopback, keeping what it got. */
const received: Array<{ body: string; headers: Record<string, string> }> = [];
const receiver = createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => (body += chunk));
  request.on('end', () => {
    received.push({ body, headers: request.headers as Record<string, string> });
    response.writeHead(204).end();
  });
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

/** The command with this run's service, receiver, keys and ids in place of the documented ones. */
function substitute(text: string, receiverUrl: string): string {
  let out = text.replaceAll(DOCUMENTED_URL, serviceUrl).replaceAll(DOCUMENTED_RECEIVER, receiverUrl);
  for (const documented of [...learnt.keys()].sort((a, b) => b.length - a.length)) out = out.replaceAll(documented, learnt.get(documented)!);
  return out;
}

const shellEnv = () => ({ ...process.env, ...variables });

/** What bash makes of a word in this session (`$(…)`, `$NAME`). */
async function expand(word: string): Promise<string> {
  const { stdout } = await run('bash', ['-c', `printf '%s' ${word}`], { env: shellEnv(), cwd: work });
  return stdout;
}

async function startTheService(assignments: string[]) {
  if (service) {
    service.child.kill('SIGTERM');
    await service.exited;
  }
  const env: Record<string, string> = { VOUCHSAFE_DB: database, VOUCHSAFE_WEBHOOKS_ALLOW_HTTP: '1' };
  for (const assignment of assignments) {
    const [name, value] = [assignment.slice(0, assignment.indexOf('=')), assignment.slice(assignment.indexOf('=') + 1)];
    env[name] = await expand(value);
  }
  service = startService(env);
  serviceUrl = await service.listening;
}

const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };
/** The service's settings, each a key of the schema that reads the environment. */
const configSource = readFileSync(join(ROOT, 'src', 'config.ts'), 'utf8');

/** `npm …` and `npx …`: the script, the command and its options exist; not run (see docs/README.md). */
async function checkNpm(words: string[], where: string) {
  const [tool, verb, script] = words;
  if (tool === 'npx') {
    expect(scripts.bin[verb!] ?? has(join(ROOT, 'node_modules', '.bin', verb!)), `${where}: npx ${verb} is neither this package's command nor installed`).toBeTruthy();
    return;
  }
  if (verb === 'ci' || verb === 'test' || verb === 'start') {
    if (verb !== 'ci') expect(scripts.scripts[verb], where).toBeDefined();
    return;
  }
  expect(verb, where).toBe('run');
  expect(scripts.scripts[script!], `${where}: no npm script ${script}`).toBeDefined();
  if (script !== 'vouchsafe') return;
  // `npm run vouchsafe -- <command> …`: commander prints the command's help, naming every option it takes.
  const rest = words.slice(words.indexOf('--') + 1);
  const firstOption = rest.findIndex((word) => word.startsWith('--'));
  const command = firstOption < 0 ? rest : rest.slice(0, firstOption);
  const { stdout: help } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...command, '--help'], { cwd: ROOT });
  expect(help, `${where}: vouchsafe ${command.join(' ')}`).toMatch(new RegExp(`^Usage: vouchsafe ${command.filter((word) => /^[a-z-]+$/.test(word)).slice(0, 2).join(' ')}`));
  for (const option of rest.filter((word) => word.startsWith('--'))) {
    expect(help, `${where}: vouchsafe ${command[0]} has no ${option}`).toContain(option.split('=')[0]);
  }
}

async function curl(command: ShellCommand, where: string, receiverUrl: string) {
  const { stdout, stderr } = await run('bash', ['-c', `${substitute(command.text, receiverUrl)} -w '\\n%{http_code}'`], { env: shellEnv(), cwd: work, maxBuffer: 20 * 1024 * 1024 });
  const status = Number(stdout.slice(stdout.lastIndexOf('\n') + 1));
  const body = stdout.slice(0, stdout.lastIndexOf('\n'));
  const documented = command.answer === undefined ? undefined : (JSON.parse(command.answer.replaceAll(DOCUMENTED_URL, serviceUrl).replaceAll(DOCUMENTED_RECEIVER, receiverUrl)) as unknown);
  const problem = documented !== null && typeof documented === 'object' && 'status' in documented && 'code' in documented;
  if (problem) expect(status, `${where}\n${body}`).toBe((documented as { status: number }).status);
  else expect(status >= 200 && status < 300, `${where} answered ${status}\n${body}${stderr}`).toBe(true);
  if (documented === undefined) return;
  const problems: string[] = [];
  compare(documented, JSON.parse(body), '$', problems);
  expect(problems, `${where}\n${body}`).toEqual([]);
}

describe.skipIf(missing.length > 0)('the commands of the README and docs/', () => {
  it('cover every page of docs/', () => {
    expect(markdownPages().filter((page) => page.startsWith('docs/') && !DOC_PAGES.includes(page))).toEqual([]);
  });

  it('work as written, in order, against a real service, and answer as shown', { timeout: 600_000 }, async () => {
    mkdirSync(join(work, 'data'));
    for (const shared of ['examples', 'rules']) symlinkSync(join(ROOT, shared), join(work, shared));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const ran: string[] = [];

    for (const command of docCommands()) {
      const where = `${command.page}: ${command.text.split('\n')[0]}`;
      const assignments: string[] = [];
      while (/^[A-Z_][A-Z0-9_]*=/.test(command.words[assignments.length] ?? '')) assignments.push(command.words[assignments.length]!);
      const words = command.words.slice(assignments.length);
      const [tool] = words;
      if (tool === 'curl') {
        await curl(command, where, receiverUrl);
        ran.push(where);
      } else if (tool === 'npm' || tool === 'npx') {
        // `npm ci && npm start`, `npm ci && npm run build`: each part on its own.
        const parts = command.text.split(/\s*&&\s*/).map((part) => part.split(/\s+/));
        for (const part of parts.length > 1 ? parts : [words]) {
          if (part[0] === 'npm' && part[1] === 'start') {
            await startTheService(assignments);
            ran.push(where);
          } else {
            await checkNpm(part, where);
          }
        }
      } else if (tool === 'export') {
        const assignment = command.text.slice('export '.length).trim();
        const name = assignment.slice(0, assignment.indexOf('='));
        if (name.startsWith('VOUCHSAFE_')) {
          expect(configSource, `${where}: the service reads no ${name}`).toMatch(new RegExp(`^\\s*${name}:`, 'm'));
        } else {
          variables[name] = await expand(substitute(assignment.slice(name.length + 1), receiverUrl));
          expect(variables[name], where).not.toContain(ELLIPSIS);
        }
      } else if (tool === 'python3') {
        if (!python) continue;
        await run('bash', ['-c', substitute(command.text, receiverUrl)], { env: shellEnv(), cwd: work });
        ran.push(where);
      } else {
        throw new Error(`${where}: a kind of command the docs test does not know; say how it is treated in docs/README.md and here`);
      }
    }
    expect(ran.length).toBeGreaterThan(20);

    // The webhook of docs/operations.md got its events, signed with the secret its answer showed.
    const secret = [...learnt.entries()].find(([documented]) => documented.startsWith('whsec_'))?.[1];
    expect(secret).toBeDefined();
    while (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    const verified = received.map(({ body, headers }) => new Webhook(secret!).verify(body, headers) as { type: string });
    expect(verified.map((event) => event.type)).toContain('key.revoked');
  });
});
