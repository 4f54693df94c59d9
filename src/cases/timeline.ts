import type { TimelineEntry } from '../contract/cases.js';
import { asOf } from '../reviews/index.js';
import type { CaseEventRow, CheckRow, EvaluationRow, ReviewRow } from '../store/index.js';

const iso = (ms: number) => new Date(ms).toISOString();
const words = (value: string) => value.replaceAll('_', ' ');

interface Entry extends Omit<TimelineEntry, 'at'> {
  at: number;
}

/** The answers an evaluation added to the ones before it. */
function newAnswers(evaluation: EvaluationRow, before: EvaluationRow | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(evaluation.answers).filter(([question, answer]) => before?.answers[question] !== answer));
}

function fromCheck(check: CheckRow, evaluations: readonly EvaluationRow[], review: ReviewRow | undefined, now: number): Entry[] {
  const entries: Entry[] = [];
  evaluations.forEach((evaluation, index) => {
    const at = evaluation.evaluatedAt;
    const answers = evaluation.trigger === 'answers' ? newAnswers(evaluation, evaluations[index - 1]) : {};
    if (Object.keys(answers).length > 0) {
      entries.push({ at, kind: 'answers', by: null, summary: `Answered: ${Object.entries(answers).map(([q, a]) => `${q} ${a}`).join(', ')}`, detail: { revision: evaluation.revision, answers } });
    }
    const ruleIds = evaluation.reasons.map((reason) => reason.ruleId);
    entries.push({
      at,
      kind: 'decision',
      by: null,
      summary: `Decided ${evaluation.action}${ruleIds.length ? `: ${ruleIds.join(', ')}` : ''}`,
      detail: { revision: evaluation.revision, trigger: evaluation.trigger, action: evaluation.action, score: evaluation.score, reasons: evaluation.reasons, ruleSetVersion: evaluation.ruleSetVersion },
    });
    if (evaluation.prompt) {
      const { prompt } = evaluation;
      entries.push({
        at,
        kind: 'prompt_shown',
        by: null,
        summary: `Prompt shown (${prompt.locale}): “${prompt.say}”`,
        detail: { promptId: prompt.id, locale: prompt.locale, headline: prompt.headline, say: prompt.say, questions: prompt.questions.map((q) => q.text), advice: prompt.advice.map((a) => a.text) },
      });
    }
  });
  if (review) {
    const current = asOf(review, now);
    entries.push({ at: current.openedAt, kind: 'review', by: null, summary: 'Held for a supervisor', detail: { status: 'open', deadline: iso(current.deadline) } });
    if (current.closedAt !== null) {
      const who = current.supervisorRef ?? current.closedKeyId;
      entries.push({
        at: current.closedAt,
        kind: 'review',
        by: who,
        summary: `Hold ${current.status}${current.closedBy === 'supervisor' ? ` by supervisor ${current.supervisorRef ?? ''}`.trimEnd() : ` (${current.closedBy})`}`,
        detail: { status: current.status, closedBy: current.closedBy, supervisorRef: current.supervisorRef, reason: current.reason },
      });
    }
  }
  if (check.outcome) {
    const { outcome } = check;
    entries.push({
      at: outcome.recordedAt,
      kind: 'outcome',
      by: outcome.staffRef ?? outcome.keyId,
      summary: `Outcome: ${words(outcome.outcome)}`,
      detail: { outcome: outcome.outcome, staffRef: outcome.staffRef, policeReference: outcome.policeReference, note: outcome.note },
    });
  }
  return entries;
}

function summaryOf(event: CaseEventRow): string {
  // As each kind's writer in this module recorded it.
  const d = event.detail as Record<string, string | null | undefined> & { reporter?: { role: string } };
  switch (event.kind) {
    case 'case_opened':
      return `Case opened (${words(String(d.reason))})`;
    case 'report':
      return `Reported as a scam by ${words(d.reporter?.role ?? 'someone')}${d.policeReference ? `, reference ${d.policeReference}` : ''}`;
    case 'escalation':
      return `Escalated: ${words(String(d.step))} by ${String(d.by)}`;
    case 'freeze_requested':
      return 'Freeze requested';
    case 'freeze_result':
      return `Freeze result: ${words(String(d.status))}`;
    case 'note':
      return `Note: ${String(d.text)}`;
    case 'owner_changed':
      return d.owner ? `Owner: ${d.owner}` : 'Owner cleared';
    case 'status_changed':
      return `${d.to === 'closed' ? 'Closed' : `Reopened (${words(String(d.to))})`}: ${String(d.reason)}`;
  }
}

/** Everything that happened to a case's check and to the case, oldest first; at the same instant, in the order recorded. */
export function buildTimeline(
  check: CheckRow,
  evaluations: readonly EvaluationRow[],
  review: ReviewRow | undefined,
  events: readonly CaseEventRow[],
  now: number,
): TimelineEntry[] {
  const entries = [
    ...fromCheck(check, evaluations, review, now),
    ...events.map((event): Entry => ({ at: event.at, kind: event.kind, by: event.actor, summary: summaryOf(event), detail: event.detail })),
  ];
  // A stable sort keeps the check's own order first at a shared instant: it happened before the case heard of it.
  return entries.sort((a, b) => a.at - b.at).map((entry) => ({ ...entry, at: iso(entry.at) }));
}
