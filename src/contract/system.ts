import { z } from 'zod';

export const Liveness = z
  .object({
    status: z.literal('ok').meta({ description: 'Always `ok`: that the process answered at all is the news.' }),
  })
  .meta({
    id: 'Liveness',
    description: 'The process is alive: its event loop answered. Says nothing of the database; `/healthz` is the readiness probe.',
  });
