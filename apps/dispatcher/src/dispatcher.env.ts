import { z } from 'zod';

export const dispatcherEnvSchema = z.object({
  /** Private ranges webhooks may reach anyway (CIDRs, comma-separated), e.g. 127.0.0.0/8 for local receivers. */
  DISPATCH_ALLOW_PRIVATE_CIDRS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
  DISPATCH_MAX_RESPONSE_BYTES: z.coerce.number().int().min(0).max(1_048_576).default(4_096),
  /** How long an acknowledged delivery id is remembered (replays inside it are not re-sent). */
  DISPATCH_DELIVERED_TTL_SECONDS: z.coerce.number().int().min(60).default(7 * 24 * 3600),
});

export type DispatcherEnv = z.infer<typeof dispatcherEnvSchema>;
