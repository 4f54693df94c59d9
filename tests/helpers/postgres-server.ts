import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A PostgreSQL server for one test run, in a directory of its own, gone when stopped. */
export interface TestServer {
  /** The admin URL (database `postgres`), from which each test makes a database of its own. */
  readonly url: string;
  /**
   * Stops the server as an operator's restart or a failover would (a fast shutdown: its connections
   * cut, what was committed kept), keeping its data, port and settings.
   */
  halt(): Promise<void>;
  /** Starts it again after `halt`, on the same data and port. */
  resume(): Promise<void>;
  /** The server's main process (the postmaster), whose children are its backends: for a bench that pins it to a core. */
  pid(): number;
  stop(): Promise<void>;
}

/** The newest installed PostgreSQL's bin directory (Debian keeps them in /usr/lib/postgresql/<n>/bin), or PATH's. */
export function findPostgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  for (const directory of (process.env.PATH ?? '').split(':')) {
    if (directory && existsSync(join(directory, 'initdb')) && existsSync(join(directory, 'pg_ctl'))) return directory;
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * initdb in a temporary directory and pg_ctl start on a free loopback port, durability off (a test
 * database is thrown away) unless `durable`: a test that stops the server and looks for what it
 * acknowledged needs every commit on disk before it is answered. `settings` are more `-c name=value`.
 * The server refuses to run as root, so as root it runs as `postgres`.
 */
export async function startTestServer(bin: string, { durable = false, settings: more = [] }: { durable?: boolean; settings?: string[] } = {}): Promise<TestServer> {
  const directory = mkdtempSync(join(tmpdir(), 'vouchsafe-pg-'));
  const asRoot = process.getuid?.() === 0;
  const as = (command: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args]) : run(join(bin, command), args);
  try {
    if (asRoot) {
      const { uid, gid } = idsOf('postgres');
      chownSync(directory, uid, gid);
    }
    const data = join(directory, 'data');
    await as('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '--encoding=UTF8', '--locale=C']);
    const port = await freePort();
    const settings = [
      `-p ${port}`,
      "-c listen_addresses='127.0.0.1'",
      `-c unix_socket_directories='${directory}'`,
      // A benchmark, or a restart test, runs the server as a chain would: every commit on disk before it is answered.
      ...(durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
      '-c max_connections=400',
      '-c shared_buffers=32MB',
      ...more.map((setting) => `-c ${setting}`),
    ].join(' ');
    const start = () => as('pg_ctl', ['-D', data, '-o', settings, '-l', join(directory, 'server.log'), '-w', '-t', '60', 'start']);
    await start();
    // pg_ctl detaches the server: a run stopped by a signal (Ctrl-C, a CI timeout) must stop it too,
    // or it outlives the run.
    const stopNow = (signal: NodeJS.Signals) => {
      const stop = [join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'];
      try {
        execFileSync(asRoot ? 'runuser' : stop[0]!, asRoot ? ['-u', 'postgres', '--', ...stop] : stop.slice(1), { stdio: 'ignore' });
      } catch {
        // Already stopped.
      }
      rmSync(directory, { recursive: true, force: true });
      process.kill(process.pid, signal);
    };
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    for (const signal of signals) process.once(signal, stopNow);
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      async halt() {
        await as('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      },
      async resume() {
        await start();
      },
      pid: () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
      async stop() {
        for (const signal of signals) process.off(signal, stopNow);
        try {
          await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
        } finally {
          rmSync(directory, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

/** A user's uid and gid, from /etc/passwd. */
function idsOf(user: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${user}:`));
  if (!line) throw new Error(`no user ${user} to run PostgreSQL as`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
