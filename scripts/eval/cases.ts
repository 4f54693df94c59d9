import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { CheckLine, CheckRequest } from '../../src/contract/check.js';
import { Outcome, Tender } from '../../src/contract/enums.js';

/**
 * The evaluation set's file format (tests/eval/cases.yaml): published scam stories and legitimate
 * purchases that look like them, each with the source it rests on, the basket as a till would send
 * it, what the colleague would learn by asking, and for stories that span several shops the
 * customer's earlier purchases.
 */

export const SCAM_STORIES = ['tax_office', 'tech_support', 'bank_police', 'grandchild', 'prize', 'utility', 'boss', 'romance', 'several_shops', 'loan'] as const;
export const LEGITIMATE_STORIES = ['corporate', 'teacher_collection', 'christmas', 'gamer', 'travel_prepaid', 'top_up', 'present', 'own_use'] as const;

const Answers = z.record(z.string().regex(/^[a-z][A-Za-z0-9]*$/), z.string().min(1));

const EarlierVisit = z.strictObject({
  minutesBefore: z.number().int().min(1).max(30 * 24 * 60 - 1),
  /** The same store as the case's check (another till), or another store. */
  sameStore: z.boolean().default(false),
  lines: z.array(CheckLine).min(1),
  tender: Tender.default('unknown'),
  answers: Answers.optional(),
  /** What happened at that till; by default the sale went through (the story continues). */
  outcome: Outcome.default('proceeded'),
});
export type EarlierVisit = z.infer<typeof EarlierVisit>;

export const EvalCase = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Case ids are lower-case words joined by hyphens'),
    label: z.enum(['scam', 'legitimate']),
    story: z.enum([...SCAM_STORIES, ...LEGITIMATE_STORIES]),
    summary: z.string().min(1).max(300),
    source: z.string().min(10).max(600),
    /** The customer's earlier purchases, linked by the check's loyalty id or payment token. */
    earlier: z.array(EarlierVisit).default([]),
    check: CheckRequest.partial({ storeId: true, tillId: true, transactionId: true, currency: true }),
    /** What the customer would say to the colleague's questions, by question id. */
    answers: Answers.default({}),
  })
  .superRefine((c, context) => {
    const scam = (SCAM_STORIES as readonly string[]).includes(c.story);
    if (scam !== (c.label === 'scam')) {
      context.addIssue({ code: 'custom', path: ['story'], message: `story "${c.story}" is not a ${c.label} story` });
    }
    if (c.earlier.length > 0 && !c.check.customer?.loyaltyId && !c.check.customer?.paymentToken) {
      context.addIssue({ code: 'custom', path: ['earlier'], message: 'earlier visits link to the check only through a loyaltyId or paymentToken' });
    }
  });
export type EvalCase = z.infer<typeof EvalCase>;

const CaseFile = z.strictObject({ cases: z.array(z.unknown()).min(1) });

export class CaseFileError extends Error {
  override name = 'CaseFileError';
}

/** Reads and validates a case file, naming every case that is wrong and why. */
export function loadCases(path: string): EvalCase[] {
  let yaml: unknown;
  try {
    yaml = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CaseFileError(`${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  const file = CaseFile.safeParse(yaml);
  if (!file.success) throw new CaseFileError(`${path}: ${file.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`);
  const problems: string[] = [];
  const cases: EvalCase[] = [];
  const seen = new Set<string>();
  file.data.cases.forEach((raw, index) => {
    const parsed = EvalCase.safeParse(raw);
    const id = (raw as { id?: unknown })?.id;
    const name = typeof id === 'string' ? id : `#${index + 1}`;
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((issue) => `${name}: ${issue.path.join('.')}: ${issue.message}`));
      return;
    }
    if (seen.has(parsed.data.id)) problems.push(`${name}: the id is used twice`);
    seen.add(parsed.data.id);
    cases.push(parsed.data);
  });
  if (problems.length > 0) throw new CaseFileError(`${path} has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  return cases;
}
