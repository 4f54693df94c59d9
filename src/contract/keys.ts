import { z } from 'zod';
import { StoreId, Text, Timestamp } from './common.js';
import { KeyMode, Role } from './enums.js';

export const KeyId = z
  .string()
  .regex(/^key_[0-9a-z]{10,40}$/, 'Not a key id')
  .meta({ id: 'KeyId', example: 'key_01jd0q9w4v2s3k6m8n0p' });

export const KeyCreateRequest = z
  .strictObject({
    role: Role,
    mode: KeyMode.optional().meta({
      description: 'The key’s world. A live admin makes either (`live` unless named); a test admin makes only test keys (`test` unless named; `live` is 403 `live_key_required`).',
    }),
    name: Text().trim().min(1).max(100).meta({ description: 'Who or what holds the key.', example: 'Stevenage tills' }),
    storeIds: z
      .array(StoreId)
      .min(1)
      .max(1000)
      .refine((ids) => new Set(ids).size === ids.length, 'Store ids must not repeat')
      .optional()
      .meta({
        description: 'Stores the key may act for. Required for a till or supervisor key; optional for an analyst or a processor (limits what they see); not allowed for an admin.',
        example: ['herts-stevenage-012'],
      }),
  })
  .superRefine((body, ctx) => {
    if ((body.role === 'till' || body.role === 'supervisor') && !body.storeIds) {
      ctx.addIssue({ code: 'custom', path: ['storeIds'], message: `A ${body.role} key must name the stores it serves` });
    }
    if (body.role === 'admin' && body.storeIds) {
      ctx.addIssue({ code: 'custom', path: ['storeIds'], message: 'An admin key covers every store; leave storeIds out' });
    }
  })
  .meta({ id: 'KeyCreateRequest' });
export type KeyCreateRequest = z.infer<typeof KeyCreateRequest>;

export const ApiKey = z
  .object({
    id: KeyId,
    name: z.string(),
    role: Role,
    mode: KeyMode,
    storeIds: z.array(z.string()).nullable().meta({ description: 'null: every store.' }),
    prefix: z.string().meta({ description: 'The first characters of the key, to tell keys apart.', example: 'vsk_q9w4v2' }),
    createdAt: Timestamp,
    revokedAt: Timestamp.nullable(),
  })
  .meta({ id: 'ApiKey', description: 'An API key, without its secret.' });
export type ApiKey = z.infer<typeof ApiKey>;

export const KeyCreated = ApiKey.extend({
  key: z.string().meta({
    description: 'The key itself. Shown this once: only its hash is kept.',
    example: 'vsk_3q2+7w8eXampleOnlyNotARealKey4k0ZpQ',
  }),
}).meta({ id: 'KeyCreated' });
export type KeyCreated = z.infer<typeof KeyCreated>;

export const KeyList = z.object({ keys: z.array(ApiKey) }).meta({ id: 'KeyList' });
