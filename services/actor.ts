import { z } from 'zod';

/**
 * Who did something, as the audit trail records it: a customer (their id), an advisor
 * (their id), a REST API key (its name, or "env" for AFTERCARE_API_KEY), or the system
 * (a job's name).
 */
export const actorSchema = z.object({
  type: z.enum(['customer', 'advisor', 'api-key', 'system']),
  id: z.string().min(1).max(200),
});

export type Actor = z.infer<typeof actorSchema>;
