import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';

export interface ServerProcess {
  url: string;
  pid: number;
  adminKey: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts tests/bench/http-server.ts in its own process on a loopback port. */
export async function startServerProcess(
  databasePath: string,
  shared: { adminKey?: string; env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  const adminKey = shared.adminKey ?? `bench-admin-${randomBytes(16).toString('hex')}`;
  // BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile of the server there when it stops.
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'tests/bench/http-server.ts'], {
    env: { ...process.env, ...shared.env, VOUCHSAFE_DB: databasePath, VOUCHSAFE_ADMIN_KEY: adminKey, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const { port, pid } = await new Promise<{ port: number; pid: number }>((resolve, reject) => {
    lines.once('line', (line) => resolve(JSON.parse(line)));
    child.once('exit', (code) => reject(new Error(`the bench server stopped with code ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    adminKey,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function makeKey(server: ServerProcess, body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${server.url}/v1/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', ...body }),
  });
  if (response.status !== 201) throw new Error(`could not make a key: ${await response.text()}`);
  return ((await response.json()) as { key: string }).key;
}

/** CPU time (user and system) the bench server has used so far, in microseconds. */
export async function serverCpuMicros(server: ServerProcess): Promise<number> {
  return (await serverCpu(server)).micros;
}

/** CPU time the bench server has used so far, in microseconds: all its threads, and its event loop's thread alone. */
export async function serverCpu(server: ServerProcess): Promise<{ micros: number; mainThreadMicros: number }> {
  return (await (await fetch(`${server.url}/bench/cpu`)).json()) as { micros: number; mainThreadMicros: number };
}
