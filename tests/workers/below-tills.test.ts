import { once } from 'node:events';
import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

const starter = new URL('../../src/workers/below-tills.mjs', import.meta.url);
const probe = new URL('./priority-probe.ts', import.meta.url);

// A thread's own nice value is Linux's; elsewhere the starter leaves priorities alone.
describe.runIf(process.platform === 'linux')('a background thread', () => {
  it('is below the tills before the first line of its code runs, and the tills stay where they were', async () => {
    const before = getPriority();
    const entry = `import { startBelowTills } from ${JSON.stringify(starter.href)};\nawait startBelowTills(new URL(${JSON.stringify(probe.href)}));`;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(entry)}`));
    try {
      const [priority] = await once(worker, 'message');
      expect(priority).toBe(19);
      expect(getPriority()).toBe(before);
    } finally {
      await worker.terminate();
    }
  });
});
