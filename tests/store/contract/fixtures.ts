import type { ApiKeyRow, RuleSetRow } from '../../../src/store/index.js';

/** An API key row as issueApiKey writes it, with `changes` on top. */
export function aKey(changes: Partial<Omit<ApiKeyRow, 'revokedAt'>> = {}): Omit<ApiKeyRow, 'revokedAt'> {
  const id = changes.id ?? 'key_1';
  return {
    id,
    name: `Key ${id}`,
    role: 'till',
    mode: 'live',
    storeIds: ['store-1', 'store-2'],
    secretHash: `hash-of-${id}`,
    prefix: 'vs_live_abcd',
    createdAt: 1_700_000_000_000,
    createdBy: 'admin',
    ...changes,
  };
}

/** A rule set row, with `changes` on top; its source's keys are deliberately not in alphabetical order (prompts before files). */
export function aRuleSet(changes: Partial<RuleSetRow> = {}): RuleSetRow {
  const version = changes.version ?? '2026-11-01.1';
  return {
    version,
    contentHash: `sha256-of-${version}`,
    source: {
      prompts: [{ path: 'prompts/en-GB.yaml', content: 'prompts: {}\n' }],
      files: [
        { path: 'zeta.yaml', content: 'rules: []\n' },
        { path: 'alpha.yaml', content: 'rules:\n  - id: a\n' },
      ],
    },
    createdAt: 1_700_000_000_000,
    createdBy: 'admin',
    note: null,
    status: 'approved',
    reviewedBy: 'admin',
    reviewedAt: 1_700_000_000_000,
    ...changes,
  };
}
