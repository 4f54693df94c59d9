import { z } from 'zod';
import { Text } from './common.js';

export const QuestionId = z.string().min(1).max(64).regex(/^[A-Za-z][A-Za-z0-9_]*$/);
export const AnswerValue = Text().min(1).max(64);

export const AnswersRequest = z
  .strictObject({
    answers: z
      .record(QuestionId, AnswerValue)
      .refine((answers) => Object.keys(answers).length > 0, 'Send at least one answer')
      .refine((answers) => Object.keys(answers).length <= 20, 'At most 20 answers at once')
      .meta({
        description: 'Question id to answer value, from the prompt’s questions. Later answers to the same question replace earlier ones.',
        example: { someoneAskedYouToBuy: 'yes' },
      }),
  })
  .meta({ id: 'AnswersRequest', description: 'The colleague’s answers to the prompt’s questions.' });
export type AnswersRequest = z.infer<typeof AnswersRequest>;
