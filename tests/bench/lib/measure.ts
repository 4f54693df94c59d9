import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export interface Rate {
  perSecond: number;
  /** Mean time of one operation, microseconds. */
  meanMicros: number;
  operations: number;
}

/** Runs `work` over and over for about `seconds` after a warm-up, and reports how fast. */
export async function rate(work: (i: number) => unknown, { seconds = 2, warmup = 0.5 } = {}): Promise<Rate> {
  const run = async (budgetMs: number) => {
    let operations = 0;
    const started = performance.now();
    let now = started;
    while (now - started < budgetMs) {
      for (let i = 0; i < 100; i++) {
        const result = work(operations + i);
        if (result instanceof Promise) await result;
      }
      operations += 100;
      now = performance.now();
    }
    return { operations, elapsed: now - started };
  };
  await run(warmup * 1000);
  const { operations, elapsed } = await run(seconds * 1000);
  return { perSecond: (operations / elapsed) * 1000, meanMicros: (elapsed * 1000) / operations, operations };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Peak resident memory of a process, from /proc (Linux), in MiB. */
export function peakRssMiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

export const format = {
  int: (n: number) => Math.round(n).toLocaleString('en-GB'),
  ms: (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(0)} ms`,
  us: (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(0)} µs`,
  ratio: (n: number) => `${n.toFixed(n < 10 ? 1 : 0)}×`,
};
