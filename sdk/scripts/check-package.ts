import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `npm run check:sdk`: the package as npm would publish it (`npm pack`, whose prepack builds sdk/dist),
// checked by Are the Types Wrong? and publint. Every export must resolve to its types under Node's ESM
// resolution and a bundler's; the package is ESM only (`"type": "module"`, Node 22.12+), so attw's
// esm-only profile leaves out CommonJS `require` and TypeScript's pre-exports node10 resolution.
const root = join(import.meta.dirname, '..', '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const work = mkdtempSync(join(tmpdir(), 'vouchsafe-sdk-check-'));
try {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--workspace', '@vouchsafe/till', '--pack-destination', work, '--json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }),
  ) as Array<{ filename: string }>;
  const tarball = join(work, packed[0]!.filename);
  execFileSync(bin('attw'), ['--profile', 'esm-only', '--format', 'table-flipped', tarball], { stdio: 'inherit' });
  execFileSync(bin('publint'), ['run', '--strict', tarball], { stdio: 'inherit' });
} catch (error) {
  process.exitCode = 1;
  if (!(error as { status?: number }).status) throw error;
} finally {
  rmSync(work, { recursive: true, force: true });
}
