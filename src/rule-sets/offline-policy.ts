import { createHash } from 'node:crypto';
import type { OfflinePolicy, OfflinePolicyVectors } from '../contract/offline-policy.js';
import { type CompiledRuleSet, compileOfflinePolicy, offlinePolicyVectors } from '../engine/index.js';

export interface Published<T> {
  readonly body: T;
  /** A strong ETag of the body itself, so a till's cached copy is replaced when the table changes, even under the same rule set. */
  readonly etag: string;
}

interface Compiled {
  /** By locale and hold deadline: the table is the same, the scripts are in that language. */
  policies: Map<string, Published<OfflinePolicy>>;
  vectors?: Published<OfflinePolicyVectors>;
}

// A rule set is immutable, so its policy is compiled once, when first asked for.
const compiled = new WeakMap<CompiledRuleSet, Compiled>();

const published = <T>(body: T): Published<T> => ({
  body,
  etag: `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 22)}"`,
});

function entry(ruleSet: CompiledRuleSet): Compiled {
  let found = compiled.get(ruleSet);
  if (!found) {
    found = { policies: new Map() };
    compiled.set(ruleSet, found);
  }
  return found;
}

/**
 * The rule set's offline policy, its scripts in `locale` (one the rule set has): a decision table any
 * till can evaluate, with the service's hold deadline.
 */
export function offlinePolicy(ruleSet: CompiledRuleSet, locale: string = ruleSet.defaultLocale, holdDeadlineMs?: number): Published<OfflinePolicy> {
  const { policies } = entry(ruleSet);
  const key = `${locale} ${holdDeadlineMs ?? ''}`;
  let policy = policies.get(key);
  if (!policy) {
    policy = published(compileOfflinePolicy(ruleSet, locale, holdDeadlineMs));
    policies.set(key, policy);
  }
  return policy;
}

/** Conformance vectors for the rule set's offline policy. */
export function offlinePolicyConformance(ruleSet: CompiledRuleSet): Published<OfflinePolicyVectors> {
  const found = entry(ruleSet);
  found.vectors ??= published(offlinePolicyVectors(ruleSet, offlinePolicy(ruleSet).body));
  return found.vectors;
}
