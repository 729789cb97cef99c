import { z } from 'zod';
import { templateLimitsEnvSchema } from '@cuewire/templating';

export const rendererEnvSchema = z.object({
  // TEMPLATE_MAX_OUTPUT_BYTES, TEMPLATE_MAX_STEPS, TEMPLATE_MAX_RENDER_MS: shared with the control plane (save-time checks, preview).
  ...templateLimitsEnvSchema.shape,
});

export type RendererEnv = z.infer<typeof rendererEnvSchema>;
