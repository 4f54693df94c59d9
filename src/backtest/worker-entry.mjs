import { startBelowTills } from '../workers/below-tills.mjs';

await startBelowTills(new URL('./worker.ts', import.meta.url));
