import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';

const exec = promisify(execFile);

/** `npm start` on a new database, as a first run is; ended (its whole process group) when the test ends. */
function npmStart(env: Record<string, string>): { child: ChildProcess; lines: AsyncIterable<Record<string, unknown>> } {
  const child = spawn('npm', ['start'], { env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  onTestFinished(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  });
  async function* lines() {
    let buffered = '';
    for await (const chunk of child.stderr!) {
      buffered += String(chunk);
      let end: number;
      while ((end = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        if (line.startsWith('{')) yield JSON.parse(line) as Record<string, unknown>;
      }
    }
  }
  return { child, lines: lines() };
}

describe('a first run', () => {
  it('npm start suggests a command for the first admin key, and that command works while the service runs', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-first-run-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const env = { VOUCHSAFE_DB: join(dir, 'vouchsafe.db'), PORT: '0', HOST: '127.0.0.1', NO_COLOR: '1' };
    const { lines } = npmStart(env);

    let suggestion: string | undefined;
    let url: string | undefined;
    for await (const line of lines) {
      if (line.level === 'warn' && String(line.message).startsWith('no admin key yet')) suggestion = /`([^`]+)`/.exec(String(line.message))?.[1];
      if (line.message === 'vouchsafe listening') url = String(line.url);
      if (url) break;
    }
    expect(suggestion).toMatch(/^npm run vouchsafe -- keys create --role admin /);

    // As the colleague would: paste it into another shell, the service still running on the same database.
    const made = await exec('sh', ['-c', suggestion!], { env: { ...process.env, ...env } });
    const key = /^(vsk_\S+)$/m.exec(made.stdout)?.[1];
    expect(key, made.stdout).toBeDefined();
    const listed = await fetch(`${url}/v1/keys`, { headers: { authorization: `Bearer ${key}` } });
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { keys: Array<{ name: string }> }).keys.map((row) => row.name)).toContain('First admin');
  });
});
