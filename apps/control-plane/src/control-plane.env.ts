import { z } from 'zod';
import { apiKeysEnvSchema } from '@cuewire/api-keys';
import { outboundEnvSchema } from '@cuewire/delivery';
import { templateLimitsEnvSchema } from '@cuewire/templating';

export const controlPlaneEnvSchema = z.object({
  // Send test delivers like the dispatcher (same private-network guard, response bound and
  // secrets key) and renders like the renderer (same template limits): the same settings.
  ...outboundEnvSchema.shape,
  ...templateLimitsEnvSchema.shape,
  ...apiKeysEnvSchema.shape,
});

export type ControlPlaneEnv = z.infer<typeof controlPlaneEnvSchema> & { NODE_ENV: string };
