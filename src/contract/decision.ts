import { z } from 'zod';
import { CheckId, StoreId, Timestamp } from './common.js';
import { Action } from './enums.js';
import { Review } from './review-state.js';

/**
 * Every text the colleague sees has a message id, stable across rule-set versions and languages, so a
 * till may show its own translation instead: `reason.<ruleId>`, `prompt.<id>.headline`,
 * `prompt.<id>.say`, `prompt.<id>.advice.<n>`, `advice.<n>` (the rule set's standing advice),
 * `question.<id>`, `question.<id>.answer.<value>`, `next.<step>`.
 */
export const MessageId = z.string().meta({ description: 'The id of this text, for a till that renders its own translation.', example: 'next.finish_sale' });

export const Reason = z
  .object({
    ruleId: z.string().meta({ example: 'older-customer-high-value', description: 'The rule that matched, for analysts.' }),
    message: z.string().meta({ example: 'Gift cards worth £500.00 today for a customer who may be 80 or over' }),
    messageId: MessageId,
  })
  .meta({ id: 'Reason', description: 'A rule that matched, and why, in a plain sentence a colleague can read, in the decision’s language.' });
export type Reason = z.infer<typeof Reason>;

export const AnswerOption = z
  .object({
    value: z.string().meta({ description: 'What to send back in the answers body.', example: 'yes' }),
    label: z.string().meta({ description: 'What the button says.', example: 'Yes' }),
    messageId: MessageId,
  })
  .meta({ id: 'AnswerOption' });

export const PromptQuestion = z
  .object({
    id: z.string().meta({ example: 'someoneAskedYouToBuy' }),
    text: z.string().meta({ example: 'Did someone else ask you to buy these?' }),
    messageId: MessageId,
    answers: z.array(z.string()).meta({ description: 'The answer values, in display order.', example: ['yes', 'no', 'unsure'] }),
    options: z.array(AnswerOption).meta({ description: 'The same answers with their button labels.' }),
  })
  .meta({ id: 'PromptQuestion', description: 'A question for the colleague to ask, with tap-able answers.' });
export type PromptQuestion = z.infer<typeof PromptQuestion>;

export const Advice = z
  .object({ text: z.string().meta({ example: 'Gift cards can’t pay a bill, a fine or the tax office.' }), messageId: MessageId })
  .meta({ id: 'Advice', description: 'One short line for the colleague.' });
export type Advice = z.infer<typeof Advice>;

export const Prompt = z
  .object({
    id: z.string().meta({ example: 'paying-someone' }),
    locale: z.string().meta({ description: 'The language of every text in the decision (BCP 47); also the `Content-Language` of the response.', example: 'en-GB' }),
    headline: z.string().meta({ description: 'At most eight words: what this is about, at a glance.', example: 'A quick check on gift cards' }),
    say: z.string().meta({
      description: 'What the colleague says, word for word if they like: at most 25 words.',
      example: 'Sorry to hold you up, we ask everyone buying gift cards. Has anyone asked you to read out the numbers?',
    }),
    messageIds: z.object({ headline: MessageId, say: MessageId }),
    questions: z.array(PromptQuestion).meta({
      description: 'Questions not yet answered on this check, in the order to ask them: ask the first, tap its answer, then ask the next one the new decision lists.',
    }),
    advice: z.array(Advice).meta({ description: 'At most three short lines for the colleague.' }),
  })
  .meta({ id: 'Prompt', description: 'The script the till shows the colleague.' });
export type Prompt = z.infer<typeof Prompt>;

export const NextStepKind = z.enum(['ask', 'finish_sale', 'refuse', 'wait_for_supervisor']).meta({
  id: 'NextStepKind',
  description:
    '`ask`: ask the first of the prompt’s questions. `finish_sale`: nothing is left to ask; the sale may go ahead. `refuse`: do not sell the stored-value lines; `say` says what to say and do. `wait_for_supervisor`: the sale is held until a supervisor reviews it, by `deadline`.',
});
export type NextStepKind = z.infer<typeof NextStepKind>;

export const HandOffStep = z.enum(['called_police', 'called_bank_159', 'called_family', 'called_card_issuer', 'other']).meta({
  id: 'HandOffStep',
  description:
    'What a colleague did for the customer, as a hand-off action records it and an escalation on the check (`POST /v1/checks/{checkId}/escalations`) says: `called_police` (999 for a scam in progress, 101 otherwise, in the UK; 911 in the US), `called_bank_159` (159 reaches the customer’s bank in the UK), `called_family`, `called_card_issuer`, `other` (say what in `note`).',
  example: 'called_bank_159',
});
export type HandOffStep = z.infer<typeof HandOffStep>;

export const HandOffAction = z
  .object({
    id: z.string().meta({ description: 'Stable across languages; the message id is `handOff.<id>`.', example: 'emergency' }),
    step: HandOffStep,
    text: z.string().meta({ description: 'What to do for the customer, in the decision’s language: at most 20 words.', example: 'If they are in danger, or a caller is still pressing them, call 999.' }),
    messageId: MessageId,
    phones: z.array(z.string()).meta({
      description: 'The numbers in `text`, exactly as written there, so a handheld can make each one a `tel:` link (dial the digits, and a leading +).',
      example: ['999'],
    }),
  })
  .meta({ id: 'HandOffAction', description: 'One thing to do for the customer now, with the numbers to call in the store’s country.' });
export type HandOffAction = z.infer<typeof HandOffAction>;

export const NextStep = z
  .object({
    step: NextStepKind,
    say: z.string().meta({ description: 'What the colleague does now, in the decision’s language.', example: 'You can finish the sale.' }),
    messageId: MessageId,
    deadline: Timestamp.optional().meta({ description: 'For `wait_for_supervisor`: when the held sale counts as refused if nobody has reviewed it.' }),
    handOff: z.array(HandOffAction).optional().meta({
      description:
        'For `refuse` and `wait_for_supervisor`: the warm hand-off, what to do for the customer now, in order (emergency number, their bank, family, the card’s company). Each action’s numbers are real for the decision’s locale and cited in its prompts file.',
    }),
  })
  .meta({ id: 'NextStep', description: 'What the colleague does now.' });
export type NextStep = z.infer<typeof NextStep>;

export const ActivationAdvice = z
  .object({
    delayMinutes: z.number().int().min(1).meta({ description: 'Activate the cards this many minutes after the sale, not at once.', example: 60 }),
    reason: z.string().meta({
      description: 'Why, for the processor’s records and the receipt.',
      example: 'A supervisor released a held sale of £600.00 of stored value, above £500.00: scam cards are drained within minutes of activation.',
    }),
  })
  .meta({
    id: 'ActivationAdvice',
    description:
      'A recommendation, for processors that support delayed activation: activate the cards later, so that a scam found out in the meantime can be stopped before the codes are spent. The till passes it on; it changes nothing in the sale itself.',
  });
export type ActivationAdvice = z.infer<typeof ActivationAdvice>;

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
    locale: z.string().meta({ description: 'The language of the decision’s texts (BCP 47): the check’s `locale`, else the best of `Accept-Language`, else the rule set’s default.', example: 'en-GB' }),
    next: NextStep,
    // A union, not .nullable(): the OpenAPI generator would write Prompt out in place instead of naming it.
    prompt: z.union([Prompt, z.null()]).meta({ description: 'The script to show; null when the action is allow.' }),
    ruleSetVersion: z.string().meta({ example: '2026.11.25-1' }),
    evaluatedAt: Timestamp,
    review: Review.optional().meta({
      description:
        'Present once the check has been held: the supervisor’s review, with its deadline. Show the deadline to the colleague; while it is `open` the sale waits, and only `released` lets it go ahead.',
    }),
    activation: ActivationAdvice.optional().meta({
      description: 'Present when a supervisor released a hold above the rule set’s `holds.delayActivationAbove`: activate the cards after `delayMinutes`, where the processor supports it.',
    }),
  })
  .meta({
    id: 'Decision',
    description: 'What the till should do, why, and what the colleague should say.',
  });
export type Decision = z.infer<typeof Decision>;
