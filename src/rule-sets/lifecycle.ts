import type { Principal } from '../access/api-keys.js';
import { assertLive } from '../access/mode-scope.js';
import type { PublishResult } from '../contract/rule-lifecycle.js';
import type { RuleSetSource } from '../contract/rule-file.js';
import { type CompiledRuleSet, compileRuleSet, RuleSetError, runRuleTests, type RuleTestResult } from '../engine/index.js';
import { DomainError } from '../errors.js';
import type { Repositories, Store } from '../store/index.js';
import { recordEvent } from '../webhooks/events.js';
import type { ActiveRuleSet } from './active.js';
import type { PreparedRuleSet, RuleSetCompiler } from './compiler.js';
import { lintRuleSet } from './lint.js';

export type ApprovalMode = 'single' | 'two-person';

export interface Lifecycle {
  readonly store: Store;
  readonly rules: ActiveRuleSet;
  readonly clock: () => number;
  readonly ruleApproval: ApprovalMode;
  /** Compiles off the event loop that answers tills. */
  readonly ruleCompiler: RuleSetCompiler;
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

/**
 * There is one rule set, and it decides test and live checks alike (a test till must meet exactly the
 * rules its live twin will): changing it is for live admin keys only, never a test key's sandbox.
 */
const CHANGING_RULES = 'Changing the rule set';

function audit(tx: Repositories, actor: Principal, action: string, subject: string, detail: Record<string, unknown>, at: number) {
  return tx.audit.append({ at, actor: actor.keyId, action, subject, detail: { ...detail, actorName: actor.name } });
}

/** Makes a version the active one and tells the webhooks. Call inside a transaction. */
async function activate(tx: Repositories, ruleSet: CompiledRuleSet, previousVersion: string, actor: Principal, at: number, how: 'published' | 'approved' | 'rolled_back'): Promise<void> {
  await tx.ruleSets.activate({ version: ruleSet.version, activatedAt: at, activatedBy: actor.keyId });
  await recordEvent(tx, 'rule_set.published', { version: ruleSet.version, previousVersion, how, by: actor.keyId, rules: ruleSet.rules.length }, at, actor);
}

/** The version active in the database, which another node may have changed a moment ago. */
async function activeVersion(tx: Repositories, life: Lifecycle): Promise<string> {
  return (await tx.ruleSets.active())?.version ?? life.rules.current.version;
}

/** Makes this node decide with `ruleSet` now, and every other node within a second. */
async function announce(life: Lifecycle, ruleSet: CompiledRuleSet, at: number): Promise<void> {
  life.rules.replace(ruleSet, at);
  await life.store.notify('rule_sets');
}

/**
 * Publishes a rule set: stored as a new version and made active at once, or, with two-person
 * approval on, stored to wait for a second admin. The swap is atomic: a check is decided wholly by
 * the old set or wholly by the new one.
 */
export async function publishRuleSet(
  life: Lifecycle,
  source: RuleSetSource,
  { actor, note, dryRun = false }: { actor: Principal; note?: string | undefined; dryRun?: boolean },
): Promise<PublishResult> {
  assertLive(actor, CHANGING_RULES);
  const { ruleSet, tests, warnings } = await life.ruleCompiler.validate(source);
  let previousVersion = life.rules.current.version;
  const result = (status: PublishResult['status']): PublishResult => ({
    version: ruleSet.version,
    status,
    previousVersion,
    rules: ruleSet.rules.length,
    tests,
    warnings,
  });
  if (dryRun) return result('valid');

  const now = life.clock();
  const outcome = await life.store.transaction(async (tx) => {
    previousVersion = await activeVersion(tx, life);
    const existing = await tx.ruleSets.find(ruleSet.version);
    if (existing && existing.contentHash !== ruleSet.contentHash) {
      throw new DomainError('conflict', `Version ${ruleSet.version} already exists with different content; give the new rule set its own version`);
    }
    if (existing?.status === 'rejected') {
      throw new DomainError('conflict', `Version ${ruleSet.version} was rejected; change it and publish it under a new version`);
    }
    if (ruleSet.version === previousVersion) return 'unchanged' as const;
    if (existing?.status === 'pending') return 'pending_approval' as const;

    const needsApproval = life.ruleApproval === 'two-person' && !existing;
    if (!existing) {
      await tx.ruleSets.insert({
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
      await audit(tx, actor, 'rules.submitted', ruleSet.version, { active: previousVersion, note: note ?? null }, now);
      return 'pending_approval' as const;
    }
    await activate(tx, ruleSet, previousVersion, actor, now, 'published');
    await audit(tx, actor, 'rules.published', ruleSet.version, { from: previousVersion, to: ruleSet.version, note: note ?? null }, now);
    return 'active' as const;
  });
  if (outcome === 'active') await announce(life, ruleSet, now);
  return result(outcome);
}

async function storedRuleSet(life: Lifecycle, version: string): Promise<{ status: string; createdBy: string; compile: () => Promise<PreparedRuleSet> }> {
  const stored = await life.store.ruleSets.find(version);
  if (!stored) throw new DomainError('not_found', `No rule set version ${version}`);
  return { status: stored.status, createdBy: stored.createdBy, compile: () => life.ruleCompiler.compile(stored.source) };
}

/** A second admin approves a pending version, which becomes active. */
export async function approveRuleSet(life: Lifecycle, version: string, { actor, note }: { actor: Principal; note?: string | undefined }): Promise<PublishResult> {
  assertLive(actor, CHANGING_RULES);
  const { status, createdBy, compile } = await storedRuleSet(life, version);
  if (status !== 'pending') throw new DomainError('conflict', `Version ${version} is ${status}, not waiting for approval`);
  if (createdBy === actor.keyId) {
    throw new DomainError('forbidden', 'A second admin must approve a rule set; the one who published it cannot');
  }
  const { ruleSet, tests } = await compile();
  const now = life.clock();
  const previousVersion = await life.store.transaction(async (tx) => {
    const previous = await activeVersion(tx, life);
    if (!(await tx.ruleSets.review(version, 'approved', actor.keyId, now))) {
      throw new DomainError('conflict', `Version ${version} is no longer waiting for approval`);
    }
    await activate(tx, ruleSet, previous, actor, now, 'approved');
    await audit(tx, actor, 'rules.approved', version, { from: previous, to: version, publishedBy: createdBy, note: note ?? null }, now);
    return previous;
  });
  await announce(life, ruleSet, now);
  return { version, status: 'active', previousVersion, rules: ruleSet.rules.length, tests, warnings: [] };
}

/** A second admin turns a pending version down; it can never become active. */
export async function rejectRuleSet(life: Lifecycle, version: string, { actor, note }: { actor: Principal; note?: string | undefined }): Promise<void> {
  assertLive(actor, CHANGING_RULES);
  const { status } = await storedRuleSet(life, version);
  if (status !== 'pending') throw new DomainError('conflict', `Version ${version} is ${status}, not waiting for approval`);
  const now = life.clock();
  await life.store.transaction(async (tx) => {
    await tx.ruleSets.review(version, 'rejected', actor.keyId, now);
    await audit(tx, actor, 'rules.rejected', version, { note: note ?? null }, now);
  });
}

/**
 * Goes back to an earlier approved version: the one named, or the one active before the current
 * one. Needs no second approval: it restores something already approved, and speed matters when a
 * bad rule is stopping every grandparent buying a birthday card.
 */
export async function rollBackRuleSet(
  life: Lifecycle,
  { actor, version, note }: { actor: Principal; version?: string | undefined; note?: string | undefined },
): Promise<PublishResult> {
  assertLive(actor, CHANGING_RULES);
  const current = (await life.store.ruleSets.active())?.version ?? life.rules.current.version;
  const target = version ?? (await life.store.ruleSets.activations()).find((activation) => activation.version !== current)?.version;
  if (!target) throw new DomainError('conflict', 'There is no earlier rule set to roll back to');
  if (target === current) throw new DomainError('conflict', `Version ${target} is already active`);
  const { status, compile } = await storedRuleSet(life, target);
  if (status !== 'approved') throw new DomainError('conflict', `Version ${target} is ${status}; only an approved version can be made active`);
  const { ruleSet, tests } = await compile();
  const now = life.clock();
  await life.store.transaction(async (tx) => {
    await activate(tx, ruleSet, current, actor, now, 'rolled_back');
    await audit(tx, actor, 'rules.rolled_back', target, { from: current, to: target, note: note ?? null }, now);
  });
  await announce(life, ruleSet, now);
  return { version: target, status: 'active', previousVersion: current, rules: ruleSet.rules.length, tests, warnings: [] };
}
