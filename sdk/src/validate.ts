import type { z } from 'zod';
import type { CompiledRuleSet } from '../../src/engine/index.js';
import { type FieldError, fieldErrors } from '../../src/contract/problem.js';
import { ValidationError } from './errors.js';
import type { Answers } from './types.js';

/** The input as the contract reads it, or a ValidationError naming each field at fault. Nothing is sent. */
export function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}

/** Answers must be to the rule set's questions, with its answers: the service would refuse anything else. */
export function validateAnswers(answers: Answers, ruleSet: CompiledRuleSet | undefined): void {
  const prompts = ruleSet?.prompts;
  if (!prompts) return;
  const errors: FieldError[] = [];
  for (const [question, value] of Object.entries(answers)) {
    const allowed = prompts.answerValues.get(question);
    if (!allowed) errors.push({ field: `answers.${question}`, code: 'unknown_question', message: `No question "${question}"` });
    else if (!allowed.has(value)) {
      errors.push({ field: `answers.${question}`, code: 'invalid_answer', message: `"${value}" is not an answer; answers are ${[...allowed].join(', ')}` });
    }
  }
  if (errors.length > 0) throw new ValidationError(errors);
}
