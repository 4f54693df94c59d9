// Where every background thread starts (the pool's workers, a back-test). Plain JavaScript: a worker
// thread starts without the parent's TypeScript loader.
import { existsSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Loads a background thread's code below the thread that answers tills, so tills keep the CPU they
 * need while an export, a compilation or a back-test runs beside them. The lowest priority there is:
 * to the kernel a thread at nice 10 weighs 110 against the event loop's 1,024, so three exports and a
 * back-test weighed 440, nearly half of it; at 19 each weighs 15.
 *
 * First, before any module loads: loading is work too. A back-test's thread that lowered itself in
 * its own module body spent its start (the TypeScript loader, the engine, the store) at the tills'
 * priority, each time one ran.
 *
 * Only on Linux, where a thread's nice value is its own; elsewhere it is the whole process's, and
 * would lower the tills' thread with it.
 *
 * @param {URL} module the thread's code: run from source the .ts, built (`npm run build`) the .js beside it
 */
export async function startBelowTills(module) {
  if (process.platform === 'linux') {
    try {
      setPriority(19);
    } catch {
      // Not permitted here: the work still runs, at the same priority.
    }
  }
  const built = new URL(module.href.replace(/\.ts$/, '.js'));
  if (existsSync(built)) {
    await import(built.href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await import(module.href);
  }
}
