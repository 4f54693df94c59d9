import { z } from 'zod';
import { StoreId, TillId, Timestamp } from './common.js';
import { KeyMode } from './enums.js';

/** Long enough for a shift, short enough that a token copied out of a shop's browser is soon worthless. */
export const MAX_TILL_TOKEN_SECONDS = 12 * 60 * 60;
export const DEFAULT_TILL_TOKEN_SECONDS = 15 * 60;
const MIN_TILL_TOKEN_SECONDS = 60;

export const TillTokenRequest = z
  .strictObject({
    storeId: StoreId,
    tillId: TillId,
    expiresInSeconds: z
      .number()
      .int()
      .min(MIN_TILL_TOKEN_SECONDS)
      .max(MAX_TILL_TOKEN_SECONDS)
      .default(DEFAULT_TILL_TOKEN_SECONDS)
      .meta({ description: 'How long the token lives: 60 s to 12 h (43200). Default 15 minutes.', example: 900 }),
  })
  .meta({ id: 'TillTokenRequest' });
export type TillTokenRequest = z.infer<typeof TillTokenRequest>;

export const TillToken = z
  .object({
    token: z.string().meta({
      description: 'Send it as `Authorization: Bearer vst_…` from the browser till, in place of a till key. `vst_test_…` for a token minted with a test-mode key.',
      example: 'vst_eyJrIjoia2V5XzAxamQwcTl3NHYyczNrNm04bjBwIn0.3q2-7w8eXampleOnlyNotARealSignature',
    }),
    expiresAt: Timestamp.meta({ description: 'When the token stops working (401 `token_expired`): ask the back office for a new one before then.' }),
    storeId: StoreId,
    tillId: TillId,
    mode: KeyMode.meta({ description: 'The mode of the key that minted it: a token from a test-mode key makes test checks.' }),
  })
  .meta({ id: 'TillToken', description: 'A short-lived token for one till of one store.' });
export type TillToken = z.infer<typeof TillToken>;
