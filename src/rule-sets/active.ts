import { type CompiledRuleSet, compileRuleSet, type ConditionCache, contentHash } from '../engine/index.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import type { RuleSetCompiler } from './compiler.js';
import { loadRuleDirectory } from './load-directory.js';

/** The rule set checks are decided with. Swapped whole, so a check never sees half of a publish. */
export interface ActiveRuleSet {
  readonly current: CompiledRuleSet;
  readonly activatedAt: number;
  replace(ruleSet: CompiledRuleSet, activatedAt: number): void;
}

/**
 * Brings the rule set up to what the database says is active: another node may have published,
 * approved or rolled back. Compiles only when the version changed, off the event loop, and swaps
 * once the new set is ready.
 */
export async function refreshActiveRuleSet(rules: ActiveRuleSet, store: Pick<Store, 'ruleSets'>, compiler: Pick<RuleSetCompiler, 'compile'>): Promise<boolean> {
  const activation = await store.ruleSets.active();
  if (!activation || (activation.version === rules.current.version && activation.activatedAt === rules.activatedAt)) return false;
  if (activation.version === rules.current.version) {
    rules.replace(rules.current, activation.activatedAt);
    return false;
  }
  const stored = await store.ruleSets.find(activation.version);
  if (!stored) throw new Error(`The active rule set ${activation.version} is missing from the database`);
  const { ruleSet } = await compiler.compile(stored.source);
  // Another refresh may have swapped in a newer set while this one compiled.
  const now = await store.ruleSets.active();
  if (now?.version !== ruleSet.version) return false;
  rules.replace(ruleSet, now.activatedAt);
  return true;
}

export function activeRuleSet(initial: CompiledRuleSet, activatedAt: number): ActiveRuleSet {
  let current = initial;
  let at = activatedAt;
  return {
    get current() {
      return current;
    },
    get activatedAt() {
      return at;
    },
    replace(ruleSet, when) {
      current = ruleSet;
      at = when;
    },
  };
}

/**
 * The rule set to start with: the one the database says is active, or, on first start, the one in
 * the rules directory (stored and activated, so later starts and every node agree on it). Its
 * conditions go into `conditions`, so a later rollback to it builds nothing.
 */
export async function loadActiveRuleSet(store: Store, directory: string, logger: Logger, now = Date.now(), conditions?: ConditionCache): Promise<ActiveRuleSet> {
  const activation = await store.ruleSets.active();
  if (activation) {
    const stored = await store.ruleSets.find(activation.version);
    if (!stored) throw new Error(`The active rule set ${activation.version} is missing from the database`);
    const compiled = compileRuleSet(stored.source, undefined, conditions);
    try {
      const onDisk = contentHash(loadRuleDirectory(directory));
      if (onDisk !== compiled.contentHash) {
        logger.warn('the rules directory differs from the active rule set; publish it to use it', {
          directory,
          activeVersion: compiled.version,
        });
      }
    } catch {
      // No readable rules directory: the database's rule set is all there is, which is fine.
    }
    return activeRuleSet(compiled, activation.activatedAt);
  }

  const compiled = compileRuleSet(loadRuleDirectory(directory), undefined, conditions);
  const activated = await store.transaction(async (tx) => {
    // Two nodes starting on an empty database at once: the second finds the first's rule set active.
    const already = await tx.ruleSets.active();
    if (already) return already;
    if (!(await tx.ruleSets.find(compiled.version))) {
      await tx.ruleSets.insert({
        version: compiled.version,
        contentHash: compiled.contentHash,
        source: compiled.source,
        createdAt: now,
        createdBy: 'system',
        note: `Loaded from ${directory} on first start`,
        status: 'approved',
        reviewedBy: 'system',
        reviewedAt: now,
      });
    }
    await tx.ruleSets.activate({ version: compiled.version, activatedAt: now, activatedBy: 'system' });
    await tx.audit.append({
      at: now,
      actor: 'system',
      action: 'rules.activated',
      subject: compiled.version,
      detail: { from: null, to: compiled.version, source: directory },
    });
    return undefined;
  });
  if (activated) return loadActiveRuleSet(store, directory, logger, now, conditions);
  logger.info('rule set loaded from the rules directory', { directory, version: compiled.version, rules: compiled.rules.length });
  return activeRuleSet(compiled, now);
}
