import { type ChildProcess, spawn } from 'node:child_process';
import { onTestFinished } from 'vitest';

export interface ServiceProcess {
  child: ChildProcess;
  /** How it ended, with everything it wrote to stderr (its log). */
  exited: Promise<{ code: number | null; stderr: string }>;
  /** Its URL, once it says it is listening. */
  listening: Promise<string>;
  /** Its log so far. */
  output: () => string;
}

/**
 * `npm start` as an operator runs it (or, `built`, `node dist/server.js` after `npm run build`),
 * configured by `env`, on a free port; killed when the test ends.
 */
export function startService(env: Record<string, string>, { built = false }: { built?: boolean } = {}): ServiceProcess {
  const child = spawn(process.execPath, built ? ['dist/server.js'] : ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', VOUCHSAFE_LOG: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let resolveListening!: (url: string) => void;
  let rejectListening!: (error: Error) => void;
  const listening = new Promise<string>((resolve, reject) => {
    resolveListening = resolve;
    rejectListening = reject;
  });
  // Stopped before it listened: a test awaiting it hears why, not a timeout (a test of a refusal awaits `exited` instead).
  listening.catch(() => {});
  child.once('exit', (code) => rejectListening(new Error(`the service exited with ${code} before listening:\n${stderr}`)));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    const url = /"message":"vouchsafe listening","url":"([^"]+)"/.exec(stderr)?.[1];
    if (url) resolveListening(url);
  });
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { child, exited, listening, output: () => stderr };
}
