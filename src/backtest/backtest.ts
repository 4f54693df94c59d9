import type { BacktestMetrics, BacktestReport } from '../contract/rule-lifecycle.js';
import { ACTION_STRENGTH, type Action, type Outcome } from '../contract/enums.js';
import { type CompiledRuleSet, decide, type EngineDecision } from '../engine/index.js';
import type { ReplayRow } from '../store/index.js';

export interface BacktestOptions {
  /** The period's first and last days (the store's calendar days), for the report. */
  from: string;
  to: string;
  interveneAt: Exclude<Action, 'allow'>;
  examples: number;
  /** Called every `progressEvery` checks with how many are done. */
  onProgress?: (done: number) => void;
  progressEvery?: number;
}

type Label = 'scam' | 'ordinary' | 'unlabelled';

/** Recorded outcomes as labels: only a confirmed scam and a completed sale say what the truth was. */
export function labelOf(outcome: Outcome | null): Label {
  if (outcome === 'scam_confirmed') return 'scam';
  if (outcome === 'proceeded' || outcome === 'proceeded_after_warning') return 'ordinary';
  return 'unlabelled';
}

class Tally {
  readonly actions = { allow: 0, prompt: 0, hold: 0, refuse: 0 };
  scamsStopped = 0;
  scamsMissed = 0;
  ordinaryInterrupted = 0;
  ordinaryLeftAlone = 0;
  valueProtected = 0;

  constructor(
    readonly version: string,
    private readonly threshold: number,
  ) {}

  add(action: Action, label: Label, storedValue: number): void {
    this.actions[action] += 1;
    const intervenes = ACTION_STRENGTH[action] >= this.threshold;
    if (label === 'scam') {
      if (intervenes) {
        this.scamsStopped += 1;
        this.valueProtected += storedValue;
      } else this.scamsMissed += 1;
    } else if (label === 'ordinary') {
      if (intervenes) this.ordinaryInterrupted += 1;
      else this.ordinaryLeftAlone += 1;
    }
  }

  metrics(): BacktestMetrics {
    const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);
    return {
      version: this.version,
      actions: { ...this.actions },
      scamsStopped: this.scamsStopped,
      scamsMissed: this.scamsMissed,
      ordinaryInterrupted: this.ordinaryInterrupted,
      ordinaryLeftAlone: this.ordinaryLeftAlone,
      precision: ratio(this.scamsStopped, this.scamsStopped + this.ordinaryInterrupted),
      recall: ratio(this.scamsStopped, this.scamsStopped + this.scamsMissed),
      interruptionRate: ratio(this.ordinaryInterrupted, this.ordinaryInterrupted + this.ordinaryLeftAlone),
      valueProtected: this.valueProtected,
    };
  }
}

const summary = (decision: EngineDecision) => ({
  action: decision.action,
  score: decision.score,
  rules: decision.reasons.map((reason) => reason.ruleId),
});

/**
 * Decides every check again under both rule sets, from what was recorded when it was decided, and
 * grades both against the recorded outcomes twice: at the first screen (no answers) and after the
 * answers the colleague recorded. Both rule sets get the same inputs at each stage.
 */
export async function backtest(
  checks: AsyncIterable<ReplayRow> | Iterable<ReplayRow>,
  baseline: CompiledRuleSet,
  candidate: CompiledRuleSet,
  options: BacktestOptions,
): Promise<BacktestReport> {
  const started = performance.now();
  const threshold = ACTION_STRENGTH[options.interveneAt];
  const before = new Tally(baseline.version, threshold);
  const after = new Tally(candidate.version, threshold);
  const beforeFirst = new Tally(baseline.version, threshold);
  const afterFirst = new Tally(candidate.version, threshold);
  let withoutAnswers = 0;
  const labels = { scams: 0, ordinary: 0, unlabelled: 0 };
  const transitions = new Map<string, number>();
  const examples: BacktestReport['changes']['examples'] = [];
  let total = 0;
  let changed = 0;
  const progressEvery = options.progressEvery ?? 10_000;

  for await (const check of checks) {
    // Area alerts and the exchange's answer as the check saw them when it was decided.
    const inputs = { check: check.request, history: check.history, answers: check.answers, identified: check.identified, ...(check.area ? { area: check.area.facts } : {}), ...(check.network ? { network: check.network.facts } : {}) };
    const old = decide(baseline, inputs);
    const next = decide(candidate, inputs);
    // The first screen, before any answer: what the summary report counts as warned, and the only
    // figure a candidate has for a check the current rules never prompted (no answers were asked).
    const unanswered = { ...inputs, answers: {} };
    const oldFirst = Object.keys(check.answers).length === 0 ? old : decide(baseline, unanswered);
    const nextFirst = Object.keys(check.answers).length === 0 ? next : decide(candidate, unanswered);
    const label = labelOf(check.outcome);
    labels[label === 'scam' ? 'scams' : label] += 1;
    before.add(old.action, label, check.storedValue);
    after.add(next.action, label, check.storedValue);
    beforeFirst.add(oldFirst.action, label, check.storedValue);
    afterFirst.add(nextFirst.action, label, check.storedValue);
    if (nextFirst.action !== 'allow' && Object.keys(check.answers).length === 0) withoutAnswers += 1;
    total += 1;
    if (old.action !== next.action) {
      changed += 1;
      const key = `${old.action}>${next.action}`;
      transitions.set(key, (transitions.get(key) ?? 0) + 1);
      if (examples.length < options.examples) {
        examples.push({
          checkId: check.checkId,
          storeId: check.storeId,
          occurredAt: new Date(check.occurredAt).toISOString(),
          outcome: check.outcome,
          storedValue: check.storedValue,
          baseline: summary(old),
          candidate: summary(next),
        });
      }
    }
    if (options.onProgress && total % progressEvery === 0) options.onProgress(total);
  }
  options.onProgress?.(total);

  return {
    from: options.from,
    to: options.to,
    interveneAt: options.interveneAt,
    checks: total,
    labels,
    baseline: before.metrics(),
    candidate: after.metrics(),
    firstScreen: { baseline: beforeFirst.metrics(), candidate: afterFirst.metrics() },
    candidateWithoutAnswers: withoutAnswers,
    changes: {
      total: changed,
      transitions: [...transitions]
        .map(([key, checks]) => {
          const [from, to] = key.split('>') as [Action, Action];
          return { from, to, checks };
        })
        .sort((a, b) => b.checks - a.checks),
      examples,
    },
    durationMs: Math.round(performance.now() - started),
  };
}
