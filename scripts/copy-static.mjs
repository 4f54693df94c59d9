// `npm run build`: tsc emits only code, so every other file the service reads beside its modules
// (the dashboard's stylesheet) is copied from src to dist as it is.
import { cpSync } from 'node:fs';

const code = /\.(ts|tsx|js|mjs)$/;
cpSync('src', 'dist', { recursive: true, filter: (path) => !code.test(path) });
