import { startBelowTills } from './below-tills.mjs';

await startBelowTills(new URL('./worker.ts', import.meta.url));
