import { z } from 'zod';
import { templateLimitsEnvSchema, trackingEnvSchema } from '@cuewire/templating';

export const rendererEnvSchema = z.object({
  // TEMPLATE_MAX_OUTPUT_BYTES, TEMPLATE_MAX_STEPS, TEMPLATE_MAX_RENDER_MS: shared with the control plane (save-time checks, preview).
  ...templateLimitsEnvSchema.shape,
  // FEEDBACK_TRACKING_KEYS (the first signs) and FEEDBACK_PUBLIC_BASE_URL: for {{trackClick url}} and {{openPixel}}; shared with the feedback receiver.
  ...trackingEnvSchema.shape,
});

export type RendererEnv = z.infer<typeof rendererEnvSchema>;
