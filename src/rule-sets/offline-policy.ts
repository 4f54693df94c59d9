import { createHash } from 'node:crypto';
import type { OfflinePolicy, OfflinePolicyVectors } from '../contract/offline-policy.js';
import { type CompiledRuleSet, compileOfflinePolicy, offlinePolicyVectors } from '../engine/index.js';

export interface Published<T> {
  readonly body: T;
  /** A strong ETag of the body itself, so a till's cached copy is replaced when the table changes, even under the same rule set. */
  readonly etag: string;
}

interface Compiled {
  policy: Published<OfflinePolicy>;
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
    found = { policy: published(compileOfflinePolicy(ruleSet)) };
    compiled.set(ruleSet, found);
  }
  return found;
}

/** The rule set's offline policy: a decision table any till can evaluate. */
export function offlinePolicy(ruleSet: CompiledRuleSet): Published<OfflinePolicy> {
  return entry(ruleSet).policy;
}

/** Conformance vectors for the rule set's offline policy. */
export function offlinePolicyConformance(ruleSet: CompiledRuleSet): Published<OfflinePolicyVectors> {
  const found = entry(ruleSet);
  found.vectors ??= published(offlinePolicyVectors(ruleSet, found.policy.body));
  return found.vectors;
}
