import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { OutcomeRequest } from '../../src/contract/outcome.js';
import { fieldErrors } from '../../src/contract/problem.js';

const CARD_CODES = new Set(['secret_field', 'looks_like_pin', 'looks_like_redemption_code', 'invalid_serial', 'card_unidentified', 'cards_without_sale']);

/** What the service refuses in an outcome's cards, by its own contract: the vectors the Python module must meet. */
function problemsOf(outcome: unknown): Array<[string, string]> {
  const parsed = OutcomeRequest.safeParse(outcome);
  if (parsed.success) return [];
  return fieldErrors(parsed.error)
    .filter((error) => CARD_CODES.has(error.code))
    .map((error) => [error.field, error.code]);
}

const card = (changes: Record<string, unknown>) => ({ brand: 'Apple', amount: 10000, ...changes });
const FIXED: Array<[string, unknown]> = [
  ['a serial as printed', { outcome: 'proceeded', cards: [card({ serial: '6039 5312 3456 7890' })] }],
  ['an activation id', { outcome: 'proceeded_after_warning', cards: [card({ activationId: 'inc-7f3a9c21e0d84b5a' })] }],
  ['a PIN as serial', { outcome: 'proceeded', cards: [card({ serial: '1234' })] }],
  ['an Apple-style code', { outcome: 'proceeded', cards: [card({ serial: 'X4RT9QWE7YHN2K3M' })] }],
  ['a Steam-style code', { outcome: 'proceeded', cards: [card({ activationId: 'AB12C-3DE45-F6G7H' })] }],
  ['a pin key', { outcome: 'proceeded', cards: [card({ serial: '6039531234567890', pin: '4321' })] }],
  ['a redemptionCode key', { outcome: 'proceeded', cards: [card({ activationId: 'ref-1', redemptionCode: 'x' })] }],
  ['no serial or activation id', { outcome: 'proceeded', cards: [card({})] }],
  ['a serial too long', { outcome: 'proceeded', cards: [card({ serial: '12345678901234567890123' })] }],
  ['cards on an abandoned sale', { outcome: 'abandoned', cards: [card({ serial: '6039531234567890' })] }],
];

function python(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('python3', [resolve('examples/python/vouchsafe_cards.py'), ...args], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('the Python card check', () => {
  it('refuses exactly what the service refuses, and fails a vector it does not meet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-python-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const values = fc.sample(
      fc.oneof(
        fc.string({ unit: fc.constantFrom(...'0123456789 -'), minLength: 1, maxLength: 24 }),
        fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-'), minLength: 4, maxLength: 24 }),
      ),
      { numRuns: 200, seed: 22 },
    );
    const generated = values.flatMap((value, i): Array<[string, unknown]> => [
      [`generated serial ${i}`, { outcome: 'proceeded', cards: [card({ serial: value })] }],
      [`generated activation id ${i}`, { outcome: 'proceeded', cards: [card({ activationId: value })] }],
    ]);
    const vectors = [...FIXED, ...generated].map(([name, outcome]) => ({ name, outcome, problems: problemsOf(outcome) }));
    expect(vectors.filter((vector) => vector.problems.length > 0).length).toBeGreaterThan(50);
    writeFileSync(join(dir, 'vectors.json'), JSON.stringify({ vectors }));
    const passed = await python([join(dir, 'vectors.json')]);
    expect(passed.stderr).toBe('');
    expect(passed.stdout).toBe(`${vectors.length} of ${vectors.length} card vectors passed\n`);
    expect(passed.code).toBe(0);

    vectors[2]!.problems = [];
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify({ vectors }));
    const failed = await python([join(dir, 'tampered.json')]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('a PIN as serial: found');
  });
});
