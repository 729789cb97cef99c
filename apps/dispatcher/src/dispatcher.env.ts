import { z } from 'zod';
import { outboundEnvSchema } from '@cuewire/delivery';

export const dispatcherEnvSchema = z.object({
  // DISPATCH_ALLOW_PRIVATE_CIDRS, DISPATCH_MAX_RESPONSE_BYTES, CUEWIRE_SECRETS_KEY: shared with the control plane's send test.
  ...outboundEnvSchema.shape,
  /** How long an acknowledged delivery id is remembered (replays inside it are not re-sent). */
  DISPATCH_DELIVERED_TTL_SECONDS: z.coerce.number().int().min(60).default(7 * 24 * 3600),
});

export type DispatcherEnv = z.infer<typeof dispatcherEnvSchema>;
