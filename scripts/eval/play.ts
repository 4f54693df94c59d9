import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueApiKey } from '../../src/access/api-keys.js';
import { createApp } from '../../src/http/app.js';
import type { CheckInput } from '../../src/contract/check.js';
import type { Action } from '../../src/contract/enums.js';
import { createLogger } from '../../src/log.js';
import { buildServices } from '../../src/services.js';
import type { EvalCase } from './cases.js';

/** One decision the till received, as the API returned it. */
export interface SeenDecision {
  action: Action;
  score: number;
  rules: string[];
  promptId: string | null;
}

export interface PlayedCase {
  case: EvalCase;
  /** The decision on the basket as scanned, before anyone asked anything. */
  first: SeenDecision;
  /** The decision after the colleague's answers (the first one if nothing was asked). */
  final: SeenDecision;
  /** The answers the till sent, in the order the prompts asked for them. */
  answered: Record<string, string>;
  /** Answers the case has but no prompt asked for. */
  neverAsked: string[];
  storedValue: number;
  ruleSetVersion: string;
}

const STORES = ['eval-store-a', 'eval-store-b', 'eval-store-c', 'eval-store-d', 'eval-store-e'];
/** Every case happens on the same December morning; cases never share a customer, so they never meet. */
const CASE_TIME = Date.parse('2026-12-14T11:00:00.000Z');
const MINUTE = 60_000;
const MAX_ROUNDS = 6;

/** The outcomes in which the cards were sold. */
const SALES = new Set(['proceeded', 'proceeded_after_warning']);

/**
 * Plays every case through the service's own HTTP routes, in process, on a fresh database with the
 * rules in `rulesDirectory`: the earlier visits of the story (so history is counted by the service,
 * as at a real till), then the basket, then — while the decision asks questions the customer has
 * answers to — those answers, round by round, as a till would tap them.
 */
export async function playCases(cases: readonly EvalCase[], rulesDirectory: string): Promise<PlayedCase[]> {
  const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-eval-'));
  let now = CASE_TIME;
  const services = await buildServices({
    databasePath: join(dir, 'eval.db'),
    rulesDirectory,
    idSecret: 'evaluation-only-identity-secret-0123456789',
    logger: createLogger('silent'),
    clock: () => now,
  });
  try {
    const app = createApp(services);
    const { key } = await issueApiKey(services.store, { role: 'till', name: 'Evaluation tills', storeIds: STORES }, 'eval', now);
    const post = async (path: string, body: unknown) => {
      const response = await app.request(path, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as Record<string, any>;
      if (response.status >= 300) throw new Error(`${path}: ${response.status} ${json.detail ?? JSON.stringify(json)}`);
      return json;
    };
    const seen = (json: Record<string, any>): SeenDecision => ({
      action: json.action,
      score: json.score,
      rules: json.reasons.map((reason: { ruleId: string }) => reason.ruleId),
      promptId: json.prompt?.id ?? null,
    });
    /** Answers what each decision asks, while the customer has answers to give; returns the last decision. */
    const answerRounds = async (decision: Record<string, any>, answers: Record<string, string>, sent: Record<string, string>) => {
      for (let round = 0; round < MAX_ROUNDS && decision.action !== 'allow'; round++) {
        const asked: string[] = (decision.prompt?.questions ?? []).map((question: { id: string }) => question.id);
        const next = Object.fromEntries(asked.filter((id) => id in answers && !(id in sent)).map((id) => [id, answers[id]!]));
        if (Object.keys(next).length === 0) break;
        Object.assign(sent, next);
        now += 20_000;
        decision = await post(`/v1/checks/${decision.checkId}/answers`, { answers: next });
      }
      return decision;
    };

    const played: PlayedCase[] = [];
    for (const [index, evalCase] of cases.entries()) {
      const storeId = evalCase.check.storeId ?? STORES[0]!;
      const otherStores = STORES.filter((store) => store !== storeId);
      // Each case's customer is its own: identifiers are scoped to the case.
      const customer = evalCase.check.customer && {
        ...evalCase.check.customer,
        ...(evalCase.check.customer.loyaltyId ? { loyaltyId: `${evalCase.id}:${evalCase.check.customer.loyaltyId}` } : {}),
        ...(evalCase.check.customer.paymentToken ? { paymentToken: `${evalCase.id}:${evalCase.check.customer.paymentToken}` } : {}),
      };
      const at = CASE_TIME + index * MINUTE;
      const earlier = [...evalCase.earlier].sort((a, b) => b.minutesBefore - a.minutesBefore);
      for (const [n, visit] of earlier.entries()) {
        const visitAt = at - visit.minutesBefore * MINUTE;
        now = visitAt + 1_000;
        const body: CheckInput = {
          storeId: visit.sameStore ? storeId : otherStores[n % otherStores.length]!,
          tillId: visit.sameStore ? 'T09' : 'T01',
          transactionId: `${evalCase.id}-earlier-${n + 1}`,
          occurredAt: new Date(visitAt).toISOString(),
          currency: evalCase.check.currency ?? 'GBP',
          lines: visit.lines,
          tender: visit.tender,
          ...(customer ? { customer } : {}),
        };
        const decision = await answerRounds(await post('/v1/checks', body), visit.answers ?? {}, {});
        now += 30_000;
        // An earlier sale the story says went ahead: released by a supervisor if it was held; refused, it
        // could not go ahead (the till will not record it), which leaves the customer's history as it is.
        if (decision.review?.status === 'open' && SALES.has(visit.outcome)) {
          await post(`/v1/checks/${decision.checkId}/review`, { decision: 'release', supervisorRef: 'EVAL', reason: 'The story says this sale went ahead' });
        }
        const outcome = decision.action === 'refuse' && SALES.has(visit.outcome) ? 'refused' : visit.outcome;
        await post(`/v1/checks/${decision.checkId}/outcome`, { outcome });
      }

      now = at + 1_000;
      const check: CheckInput = {
        tillId: 'T04',
        transactionId: `${evalCase.id}-basket`,
        currency: 'GBP',
        ...evalCase.check,
        storeId,
        occurredAt: new Date(at).toISOString(),
        ...(customer ? { customer } : {}),
      };
      const firstJson = await post('/v1/checks', check);
      const answered: Record<string, string> = {};
      const finalJson = await answerRounds(firstJson, evalCase.answers, answered);
      const storedValue = check.lines.filter((line) => line.kind !== 'merchandise').reduce((sum, line) => sum + line.unitAmount * (line.quantity ?? 1), 0);
      played.push({
        case: evalCase,
        first: seen(firstJson),
        final: seen(finalJson),
        answered,
        neverAsked: firstJson.action === 'allow' ? [] : Object.keys(evalCase.answers).filter((id) => !(id in answered)),
        storedValue,
        ruleSetVersion: finalJson.ruleSetVersion,
      });
    }
    return played;
  } finally {
    await services.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
