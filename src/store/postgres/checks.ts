import type { EvaluationTrigger } from '../../contract/check-record.js';
import { basketBrandFamily, recordedHistory } from '../../engine/index.js';
import type { Action, Outcome } from '../../contract/enums.js';
import { type CardRecordRow, type CheckLock, type ChecksRepository, toCard } from '../checks.js';
import type { Port } from '../port.js';
import type { CheckRow, CheckWrite, EvaluationRow, OutcomeRow } from '../types.js';
import { json, type Queryable } from './sql.js';

interface CheckRecordRow {
  id: string;
  store_id: string;
  till_id: string;
  transaction_id: string;
  business_day: string;
  livemode: boolean;
  occurred_at: number;
  received_at: number;
  history_at: number | null;
  updated_at: number;
  key_id: string;
  request_fingerprint: string;
  identified: boolean;
  basket_total: number;
  stored_value: number;
  stored_value_units: number;
  warned: boolean;
  outcome: Outcome | null;
  outcome_at: number | null;
  outcome_staff_ref: string | null;
  outcome_police_reference: string | null;
  outcome_note: string | null;
  outcome_key_id: string | null;
}

/** jsonb comes back parsed. */
interface EvaluationRecordRow {
  revision: number;
  trigger: EvaluationTrigger;
  evaluated_at: number;
  request: EvaluationRow['request'];
  answers: EvaluationRow['answers'];
  history: EvaluationRow['history'];
  area: EvaluationRow['area'] | null;
  network: EvaluationRow['network'];
  action: Action;
  score: number;
  reasons: EvaluationRow['reasons'];
  shadow_reasons: EvaluationRow['shadowReasons'];
  prompt_id: string | null;
  prompt: EvaluationRow['prompt'];
  rule_set_version: string;
}

/** A check with its latest evaluation beside it, as one jsonb object (null if it has none). */
type CheckWithLatestRow = CheckRecordRow & { latest: EvaluationRecordRow | null };

function toEvaluation(row: EvaluationRecordRow): EvaluationRow {
  return {
    revision: row.revision,
    trigger: row.trigger,
    evaluatedAt: row.evaluated_at,
    request: row.request,
    answers: row.answers,
    history: recordedHistory(row.history),
    ...(row.area ? { area: row.area } : {}),
    ...(row.network ? { network: row.network } : {}),
    action: row.action,
    score: row.score,
    reasons: row.reasons,
    shadowReasons: row.shadow_reasons,
    promptId: row.prompt_id,
    prompt: row.prompt,
    ruleSetVersion: row.rule_set_version,
  };
}

function toOutcome(row: CheckRecordRow): OutcomeRow | null {
  if (row.outcome === null) return null;
  return {
    outcome: row.outcome,
    recordedAt: row.outcome_at!,
    staffRef: row.outcome_staff_ref,
    policeReference: row.outcome_police_reference,
    note: row.outcome_note,
    keyId: row.outcome_key_id!,
  };
}

function toCheck(row: CheckWithLatestRow | undefined): CheckRow | undefined {
  if (!row) return undefined;
  if (row.latest === null) throw new Error(`check ${row.id} has no evaluation`);
  return {
    id: row.id,
    storeId: row.store_id,
    tillId: row.till_id,
    transactionId: row.transaction_id,
    businessDay: row.business_day,
    livemode: row.livemode,
    occurredAt: row.occurred_at,
    receivedAt: row.received_at,
    historyAt: row.history_at ?? row.received_at,
    updatedAt: row.updated_at,
    keyId: row.key_id,
    requestFingerprint: row.request_fingerprint,
    identified: row.identified,
    totals: { basket: row.basket_total, storedValue: row.stored_value, storedValueUnits: row.stored_value_units },
    warned: row.warned,
    latest: toEvaluation(row.latest),
    outcome: toOutcome(row),
  };
}

/** The checks and their evaluations, as `checksRepository` (SQLite) keeps them. */
export function checksRepository(sql: Queryable): Port<ChecksRepository> {
  // One round trip for a check and its latest evaluation: the database may be across a network.
  const checkWhere = async (where: ReturnType<Queryable>, lock: CheckLock | undefined) => {
    const [row] = await sql<CheckWithLatestRow[]>`
      SELECT c.*, (SELECT to_jsonb(e) FROM evaluations e WHERE e.check_id = c.id ORDER BY e.revision DESC LIMIT 1) AS latest
      FROM checks c
      WHERE ${where}
      ${lock?.lock ? sql`FOR UPDATE OF c` : sql``}`;
    return toCheck(row);
  };

  return {
    findById: (id, lock) => checkWhere(sql`c.id = ${id}`, lock),
    /** The check a till's transaction id names on one business day of its store, in one world (tills may reuse ids on another day). */
    findByTransaction: ({ storeId, livemode, transactionId, businessDay }, lock) =>
      checkWhere(
        sql`c.store_id = ${storeId} AND c.livemode = ${livemode} AND c.transaction_id = ${transactionId} AND c.business_day = ${businessDay}`,
        lock,
      ),
    async evaluations(id) {
      const rows = await sql<EvaluationRecordRow[]>`SELECT * FROM evaluations WHERE check_id = ${id} ORDER BY revision`;
      return rows.map(toEvaluation);
    },
    /** The latest revision decided on a request with this fingerprint, if any: a resend of an older basket. */
    async revisionWithFingerprint(id, fingerprint) {
      const [row] = await sql<{ revision: number }[]>`
        SELECT revision FROM evaluations WHERE check_id = ${id} AND request_fingerprint = ${fingerprint}
        ORDER BY revision DESC LIMIT 1`;
      return row?.revision;
    },

    /**
     * Writes the check as it now stands and its new evaluation. Call inside a transaction. A second
     * check for a transaction another node has just recorded fails on checks_one_per_transaction; the
     * transaction is then run again and finds that check.
     */
    async save(write: CheckWrite) {
      const { evaluation } = write;
      // Sent together, not one after another: postgres.js pipelines a transaction's queries and the
      // server runs them in order, so the whole write is one round trip. A failure fails the rest
      // (the transaction is aborted) and the first failure is the one reported.
      const statements = [
        sql`
        INSERT INTO checks (
          id, store_id, till_id, transaction_id, business_day, livemode, lane, currency, occurred_at, received_at, history_at,
          updated_at, key_id, request_fingerprint, identified, basket_total, stored_value, stored_value_units, age_band, tender,
          answers, action, score, warned, prompt_id, revision, rule_set_version, brand_family
        ) VALUES (
          ${write.id}, ${write.storeId}, ${write.tillId}, ${write.transactionId}, ${write.businessDay}, ${write.livemode},
          ${evaluation.request.lane}, ${evaluation.request.currency}, ${write.occurredAt}, ${write.receivedAt},
          ${write.historyAt === write.receivedAt ? null : write.historyAt}, ${evaluation.evaluatedAt}, ${write.keyId},
          ${write.requestFingerprint}, ${write.identified}, ${write.totals.basket}, ${write.totals.storedValue},
          ${write.totals.storedValueUnits}, ${evaluation.request.customer.ageBand}, ${evaluation.request.tender},
          ${json(evaluation.answers)}::jsonb, ${evaluation.action}, ${evaluation.score}, ${evaluation.action !== 'allow'},
          ${evaluation.promptId}, ${evaluation.revision}, ${evaluation.ruleSetVersion}, ${basketBrandFamily(evaluation.request.lines)}
        )
        ON CONFLICT (id) DO UPDATE SET
          till_id = excluded.till_id, lane = excluded.lane, currency = excluded.currency,
          occurred_at = excluded.occurred_at, updated_at = excluded.updated_at,
          request_fingerprint = excluded.request_fingerprint,
          identified = excluded.identified, basket_total = excluded.basket_total,
          stored_value = excluded.stored_value, stored_value_units = excluded.stored_value_units,
          age_band = excluded.age_band, tender = excluded.tender, answers = excluded.answers,
          action = excluded.action, score = excluded.score, warned = checks.warned OR excluded.warned,
          prompt_id = excluded.prompt_id, revision = excluded.revision, rule_set_version = excluded.rule_set_version,
          brand_family = excluded.brand_family`,
        sql`
        INSERT INTO evaluations (
          check_id, revision, trigger, evaluated_at, request, answers, history, network, action, score, reasons, shadow_reasons,
          prompt_id, prompt, rule_set_version, request_fingerprint, area
        ) VALUES (
          ${write.id}, ${evaluation.revision}, ${evaluation.trigger}, ${evaluation.evaluatedAt}, ${json(evaluation.request)}::jsonb,
          ${json(evaluation.answers)}::jsonb, ${json(evaluation.history)}::jsonb, ${evaluation.network ? json(evaluation.network) : null}::jsonb, ${evaluation.action}, ${evaluation.score},
          ${json(evaluation.reasons)}::jsonb, ${json(evaluation.shadowReasons)}::jsonb, ${evaluation.promptId},
          ${evaluation.prompt === null ? null : json(evaluation.prompt)}::jsonb, ${evaluation.ruleSetVersion}, ${write.requestFingerprint},
          ${evaluation.area ? json(evaluation.area) : null}::jsonb
        )`,
      ];
      // Only the rules that changed are written: each row moves report roll-ups through its triggers.
      const matched = new Map<string, boolean>();
      for (const reason of evaluation.reasons) matched.set(reason.ruleId, false);
      for (const reason of evaluation.shadowReasons) matched.set(reason.ruleId, true);
      const ruleIds = [...matched.keys()];
      const shadows = [...matched.values()];
      if (evaluation.revision > 1) {
        statements.push(sql`
          DELETE FROM check_rules
          WHERE check_id = ${write.id}
            AND (rule_id, shadow) NOT IN (SELECT * FROM unnest(${ruleIds}::text[], ${shadows}::boolean[]))`);
      }
      if (ruleIds.length > 0) {
        statements.push(sql`
          INSERT INTO check_rules (check_id, rule_id, shadow)
          SELECT ${write.id}, rule_id, shadow FROM unnest(${ruleIds}::text[], ${shadows}::boolean[]) AS m (rule_id, shadow)
          ON CONFLICT DO NOTHING`);
      }
      if (write.identities && (evaluation.revision > 1 || write.identities.length > 0)) {
        if (evaluation.revision > 1) statements.push(sql`DELETE FROM check_identities WHERE check_id = ${write.id}`);
        if (write.identities.length > 0) {
          statements.push(sql`
            INSERT INTO check_identities (identity, at, check_id)
            SELECT identity, ${write.historyAt}, ${write.id} FROM unnest(${[...write.identities]}::text[]) AS i (identity)
            ON CONFLICT DO NOTHING`);
        }
      }
      await Promise.all(statements);
    },

    /** Records what the till decided offline for a basket the service had already decided. Call inside a transaction. */
    async noteOfflineDecision(checkId, revision, decision) {
      await sql`
        UPDATE evaluations SET request = jsonb_set(request, '{offlineDecision}', ${json(decision)}::jsonb)
        WHERE check_id = ${checkId} AND revision = ${revision}`;
    },

    /** Records the outcome once; returns false if the check already had one. */
    async saveCards(cards) {
      if (cards.length === 0) return;
      const rows = cards.map((card) => ({
        id: card.id,
        check_id: card.checkId,
        position: card.position,
        brand: card.brand,
        amount: card.amount,
        serial_last4: card.serialLast4,
        activation_last4: card.activationLast4,
        sealed: card.sealed,
        recorded_at: card.recordedAt,
      }));
      await sql`INSERT INTO check_cards ${sql(rows)}`;
    },
    cards: async (checkId) => (await sql<CardRecordRow[]>`SELECT * FROM check_cards WHERE check_id = ${checkId} ORDER BY position`).map(toCard),
    async recordOutcome(checkId, outcome) {
      const result = await sql`
        UPDATE checks SET outcome = ${outcome.outcome}, outcome_at = ${outcome.recordedAt}, outcome_staff_ref = ${outcome.staffRef},
          outcome_police_reference = ${outcome.policeReference}, outcome_note = ${outcome.note}, outcome_key_id = ${outcome.keyId}
        WHERE id = ${checkId} AND outcome IS NULL`;
      return result.count === 1;
    },
  };
}
