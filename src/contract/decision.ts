import { z } from 'zod';
import { CheckId, StoreId, Timestamp } from './common.js';
import { Action } from './enums.js';
import { Review } from './review-state.js';

export const Reason = z
  .object({
    ruleId: z.string().meta({ example: 'older-customer-high-value' }),
    message: z.string().meta({ example: 'Gift cards worth £500.00 for a customer who may be over 80' }),
  })
  .meta({ id: 'Reason', description: 'A rule that matched, and why, in words a colleague can read.' });
export type Reason = z.infer<typeof Reason>;

export const AnswerOption = z
  .object({
    value: z.string().meta({ description: 'What to send back in the answers body.', example: 'yes' }),
    label: z.string().meta({ description: 'What the button says.', example: 'Yes' }),
  })
  .meta({ id: 'AnswerOption' });

export const PromptQuestion = z
  .object({
    id: z.string().meta({ example: 'someoneAskedYouToBuy' }),
    text: z.string().meta({ example: 'Has someone asked you to buy these?' }),
    answers: z.array(z.string()).meta({ description: 'The answer values, in display order.', example: ['yes', 'no', 'unsure'] }),
    options: z.array(AnswerOption).meta({ description: 'The same answers with their button labels.' }),
  })
  .meta({ id: 'PromptQuestion', description: 'A question for the colleague to ask, with tap-able answers.' });
export type PromptQuestion = z.infer<typeof PromptQuestion>;

export const Prompt = z
  .object({
    id: z.string().meta({ example: 'paying-someone' }),
    title: z.string().meta({ example: 'Check before selling gift cards' }),
    say: z.string().meta({
      description: 'What the colleague says, word for word if they like.',
      example: 'Before I put these through — has anyone asked you to buy them to pay a bill, a fine or to fix your computer?',
    }),
    questions: z.array(PromptQuestion).meta({ description: 'Questions not yet answered on this check.' }),
    advice: z.array(z.string()).meta({
      example: [
        'HMRC, the police, banks and BT never ask to be paid in gift cards.',
        'If they are on a call, ask them to hang up. Wait five minutes before calling anyone back.',
      ],
    }),
    nextStep: z.string().meta({
      description: 'What the colleague does next for this action.',
      example: 'Ask a supervisor to come to the till before you finish the sale.',
    }),
  })
  .meta({ id: 'Prompt', description: 'The script the till shows the colleague.' });
export type Prompt = z.infer<typeof Prompt>;

export const Decision = z
  .object({
    checkId: CheckId,
    storeId: StoreId,
    transactionId: z.string().meta({ example: 'T04-20171030-00123' }),
    revision: z.number().int().min(1).meta({
      description: 'How many times this check has been decided: 1 for the first basket, more after changes or answers.',
      example: 1,
    }),
    action: Action,
    score: z.number().int().meta({ description: 'Sum of the scores of every enforced rule that matched.', example: 75 }),
    reasons: z.array(Reason).meta({ description: 'Every enforced rule that matched, strongest first.' }),
    // A union, not .nullable(): the OpenAPI generator would write Prompt out in place instead of naming it.
    prompt: z.union([Prompt, z.null()]).meta({ description: 'The script to show; null when the action is allow.' }),
    ruleSetVersion: z.string().meta({ example: '2026.11.25-1' }),
    evaluatedAt: Timestamp,
    review: Review.optional().meta({
      description:
        'Present once the check has been held: the supervisor’s review, with its deadline. Show the deadline to the colleague; while it is `open` the sale waits, and only `released` lets it go ahead.',
    }),
  })
  .meta({
    id: 'Decision',
    description: 'What the till should do, why, and what the colleague should say.',
  });
export type Decision = z.infer<typeof Decision>;
