import type { RuleSetSource } from '../../../src/contract/rule-file.js';
import { type CompiledRuleSet, compileRuleSet, contentHash } from '../../../src/engine/index.js';
import type { SavedRuleSet } from '../outbox/entry.js';
import { BUNDLED_RULES } from './bundled.js';

/** Where the rule set the till decides offline with came from. */
export type RuleSetOrigin = 'service' | 'given' | 'bundled';

export interface RuleSetInfo {
  version: string;
  origin: RuleSetOrigin;
}

// Compiling type-checks every condition: tens of milliseconds. Compiled rule sets are immutable, so
// clients in one process share them.
const compiled = new Map<string, CompiledRuleSet>();

function compile(source: RuleSetSource): CompiledRuleSet {
  const hash = contentHash(source);
  let ruleSet = compiled.get(hash);
  if (!ruleSet) {
    ruleSet = compileRuleSet(source);
    if (compiled.size >= 4) compiled.delete(compiled.keys().next().value!);
    compiled.set(hash, ruleSet);
  }
  return ruleSet;
}

/**
 * The rule set for offline decisions: the one the service last gave, else the one the integrator
 * gave, else the one bundled with the SDK. Compiled when it arrives, never while a check waits.
 */
export class OfflineRules {
  private ruleSet: CompiledRuleSet | undefined;
  private from: RuleSetOrigin = 'bundled';
  private etag: string | undefined;

  constructor(given: RuleSetSource | undefined) {
    for (const [source, origin] of [
      [given, 'given'],
      [BUNDLED_RULES, 'bundled'],
    ] as const) {
      if (!source) continue;
      try {
        this.ruleSet = compile(source);
        this.from = origin;
        return;
      } catch {
        // A rule set that does not compile cannot decide; try the next, and at worst the built-in prompt.
      }
    }
  }

  /** Undefined only when no rule set compiles: offline decisions then fall back to the built-in prompt. */
  get current(): CompiledRuleSet | undefined {
    return this.ruleSet;
  }

  get info(): RuleSetInfo {
    return { version: this.ruleSet?.version ?? 'offline-fallback', origin: this.from };
  }

  /** The ETag to send with `GET /v1/rules`, once the service has given one. */
  get knownEtag(): string | undefined {
    return this.etag;
  }

  /** Takes the service's rule set. False when it does not compile: the one in use stays. */
  adopt(saved: SavedRuleSet): boolean {
    try {
      this.ruleSet = compile(saved.source);
    } catch {
      return false;
    }
    this.from = 'service';
    this.etag = saved.etag;
    return true;
  }
}
