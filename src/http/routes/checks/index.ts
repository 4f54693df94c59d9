import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../env.js';
import { registerAfterSale } from './after-sale.js';
import { registerAnswers } from './answers.js';
import { registerCreateCheck } from './create.js';
import { registerGetCheck } from './get.js';
import { registerOutcome } from './outcome.js';
import { registerReview } from './review.js';

export function registerChecks(api: OpenAPIHono<AppEnv>) {
  registerCreateCheck(api);
  registerAnswers(api);
  registerOutcome(api);
  registerReview(api);
  registerAfterSale(api);
  registerGetCheck(api);
}
