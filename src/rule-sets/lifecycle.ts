import type { Principal } from '../access/api-keys.js';
import type { PublishResult } from '../contract/rule-lifecycle.js';
import type { RuleSetSource } from '../contract/rule-file.js';
import { type CompiledRuleSet, compileRuleSet, RuleSetError, runRuleTests, type RuleTestResult } from '../engine/index.js';
import { DomainError } from '../errors.js';
import type { Store } from '../store/index.js';
import { recordEvent } from '../webhooks/events.js';
import type { ActiveRuleSet } from './active.js';
import { lintRuleSet } from './lint.js';

export type ApprovalMode = 'single' | 'two-person';

export interface Lifecycle {
  readonly store: Store;
  readonly rules: ActiveRuleSet;
  readonly clock: () => number;
  readonly ruleApproval: ApprovalMode;
}

export interface ValidatedRuleSet {
  ruleSet: CompiledRuleSet;
  tests: RuleTestResult[];
  warnings: string[];
}

/**
 * Compiles a rule set and runs its own tests. Refuses it (422 `rule_set_invalid`) with every problem
 * and every failing test, so the analyst can fix them all in one go.
 */
export function validateRuleSet(source: RuleSetSource): ValidatedRuleSet {
  let ruleSet: CompiledRuleSet;
  try {
    ruleSet = compileRuleSet(source);
  } catch (error) {
    if (!(error instanceof RuleSetError)) throw error;
    throw new DomainError('rule_set_invalid', error.message, { extra: { problems: error.problems, failedTests: [] } });
  }
  const tests = runRuleTests(ruleSet);
  const failed = tests.filter((result) => !result.passed);
  if (failed.length > 0) {
    throw new DomainError('rule_set_invalid', `${failed.length} of the rule set's ${tests.length} tests fail: ${failed.map((f) => `${f.file}: ${f.name}`).join('; ')}`, {
      extra: { problems: [], failedTests: failed.map(({ file, name, failures }) => ({ file, name, failures })) },
    });
  }
  // Sampling for unreachable rules takes a second of CPU: that is for `vouchsafe rules check`, not
  // for a request on the service that answers tills.
  const warnings = lintRuleSet(ruleSet, tests, { samples: 0 }).map((f) => `${f.file}${f.ruleId ? ` [${f.ruleId}]` : ''}: ${f.message}`);
  return { ruleSet, tests, warnings };
}

function audit(life: Lifecycle, actor: Principal, action: string, subject: string, detail: Record<string, unknown>, at: number) {
  life.store.audit.append({ at, actor: actor.keyId, action, subject, detail: { ...detail, actorName: actor.name } });
}

/** Makes a version the active one and tells the webhooks. Call inside a transaction. */
function activate(life: Lifecycle, ruleSet: CompiledRuleSet, actor: Principal, at: number, how: 'published' | 'approved' | 'rolled_back'): void {
  life.store.ruleSets.activate({ version: ruleSet.version, activatedAt: at, activatedBy: actor.keyId });
  recordEvent(
    life.store,
    'rule_set.published',
    { version: ruleSet.version, previousVersion: life.rules.current.version, how, by: actor.keyId, rules: ruleSet.rules.length },
    at,
  );
}

/**
 * Publishes a rule set: stored as a new version and made active at once, or, with two-person
 * approval on, stored to wait for a second admin. The swap is atomic: a check is decided wholly by
 * the old set or wholly by the new one.
 */
export function publishRuleSet(
  life: Lifecycle,
  source: RuleSetSource,
  { actor, note, dryRun = false }: { actor: Principal; note?: string | undefined; dryRun?: boolean },
): PublishResult {
  const { ruleSet, tests, warnings } = validateRuleSet(source);
  const previous = life.rules.current;
  const result = (status: PublishResult['status']): PublishResult => ({
    version: ruleSet.version,
    status,
    previousVersion: previous.version,
    rules: ruleSet.rules.length,
    tests: { passed: tests.length, total: tests.length },
    warnings,
  });
  if (dryRun) return result('valid');

  const now = life.clock();
  const outcome = life.store.transaction(() => {
    const existing = life.store.ruleSets.find(ruleSet.version);
    if (existing && existing.contentHash !== ruleSet.contentHash) {
      throw new DomainError('conflict', `Version ${ruleSet.version} already exists with different content; give the new rule set its own version`);
    }
    if (existing?.status === 'rejected') {
      throw new DomainError('conflict', `Version ${ruleSet.version} was rejected; change it and publish it under a new version`);
    }
    if (ruleSet.version === previous.version) return 'unchanged' as const;
    if (existing?.status === 'pending') return 'pending_approval' as const;

    const needsApproval = life.ruleApproval === 'two-person' && !existing;
    if (!existing) {
      life.store.ruleSets.insert({
        version: ruleSet.version,
        contentHash: ruleSet.contentHash,
        source: ruleSet.source,
        createdAt: now,
        createdBy: actor.keyId,
        note: note ?? null,
        status: needsApproval ? 'pending' : 'approved',
        reviewedBy: needsApproval ? null : actor.keyId,
        reviewedAt: needsApproval ? null : now,
      });
    }
    if (needsApproval) {
      audit(life, actor, 'rules.submitted', ruleSet.version, { active: previous.version, note: note ?? null }, now);
      return 'pending_approval' as const;
    }
    activate(life, ruleSet, actor, now, 'published');
    audit(life, actor, 'rules.published', ruleSet.version, { from: previous.version, to: ruleSet.version, note: note ?? null }, now);
    return 'active' as const;
  });
  if (outcome === 'active') life.rules.replace(ruleSet, now);
  return result(outcome);
}

function storedRuleSet(life: Lifecycle, version: string): { ruleSet: CompiledRuleSet; status: string; createdBy: string } {
  const stored = life.store.ruleSets.find(version);
  if (!stored) throw new DomainError('not_found', `No rule set version ${version}`);
  return { ruleSet: compileRuleSet(stored.source), status: stored.status, createdBy: stored.createdBy };
}

/** A second admin approves a pending version, which becomes active. */
export function approveRuleSet(life: Lifecycle, version: string, { actor, note }: { actor: Principal; note?: string | undefined }): PublishResult {
  const { ruleSet, status, createdBy } = storedRuleSet(life, version);
  if (status !== 'pending') throw new DomainError('conflict', `Version ${version} is ${status}, not waiting for approval`);
  if (createdBy === actor.keyId) {
    throw new DomainError('forbidden', 'A second admin must approve a rule set; the one who published it cannot');
  }
  const previous = life.rules.current;
  const now = life.clock();
  life.store.transaction(() => {
    if (!life.store.ruleSets.review(version, 'approved', actor.keyId, now)) {
      throw new DomainError('conflict', `Version ${version} is no longer waiting for approval`);
    }
    activate(life, ruleSet, actor, now, 'approved');
    audit(life, actor, 'rules.approved', version, { from: previous.version, to: version, publishedBy: createdBy, note: note ?? null }, now);
  });
  life.rules.replace(ruleSet, now);
  return { version, status: 'active', previousVersion: previous.version, rules: ruleSet.rules.length, tests: countTests(ruleSet), warnings: [] };
}

/** A second admin turns a pending version down; it can never become active. */
export function rejectRuleSet(life: Lifecycle, version: string, { actor, note }: { actor: Principal; note?: string | undefined }): void {
  const { status } = storedRuleSet(life, version);
  if (status !== 'pending') throw new DomainError('conflict', `Version ${version} is ${status}, not waiting for approval`);
  const now = life.clock();
  life.store.transaction(() => {
    life.store.ruleSets.review(version, 'rejected', actor.keyId, now);
    audit(life, actor, 'rules.rejected', version, { note: note ?? null }, now);
  });
}

/**
 * Goes back to an earlier approved version: the one named, or the one active before the current
 * one. Needs no second approval: it restores something already approved, and speed matters when a
 * bad rule is stopping every grandparent buying a birthday card.
 */
export function rollBackRuleSet(
  life: Lifecycle,
  { actor, version, note }: { actor: Principal; version?: string | undefined; note?: string | undefined },
): PublishResult {
  const current = life.rules.current.version;
  const target = version ?? life.store.ruleSets.activations().find((activation) => activation.version !== current)?.version;
  if (!target) throw new DomainError('conflict', 'There is no earlier rule set to roll back to');
  if (target === current) throw new DomainError('conflict', `Version ${target} is already active`);
  const { ruleSet, status } = storedRuleSet(life, target);
  if (status !== 'approved') throw new DomainError('conflict', `Version ${target} is ${status}; only an approved version can be made active`);
  const now = life.clock();
  life.store.transaction(() => {
    activate(life, ruleSet, actor, now, 'rolled_back');
    audit(life, actor, 'rules.rolled_back', target, { from: current, to: target, note: note ?? null }, now);
  });
  life.rules.replace(ruleSet, now);
  return { version: target, status: 'active', previousVersion: current, rules: ruleSet.rules.length, tests: countTests(ruleSet), warnings: [] };
}

function countTests(ruleSet: CompiledRuleSet) {
  const results = runRuleTests(ruleSet);
  return { passed: results.filter((result) => result.passed).length, total: results.length };
}
