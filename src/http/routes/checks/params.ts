import { z } from 'zod';
import { CheckId } from '../../../contract/common.js';

export const CheckParams = z.object({
  checkId: CheckId.meta({ param: { name: 'checkId', in: 'path' } }),
});
