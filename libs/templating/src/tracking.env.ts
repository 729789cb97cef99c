import { z } from 'zod';

/** Comma-separated secrets (several are active during a rotation); empty means "not configured". */
export const secretList = (minLength: number) =>
  z
    .string()
    .default('')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string().min(minLength, `each secret needs at least ${minLength} characters`)));

/**
 * Open/click tracking: the feedback receiver verifies tokens, the renderer signs them into
 * `{{trackClick url}}` and `{{openPixel}}` links. One schema, so the single binary's merged
 * settings agree.
 */
export const trackingEnvSchema = z.object({
  /** Public origin of the feedback receiver (e.g. https://hooks.example.com): tracking links point there, and Twilio signs the full URL it called. */
  FEEDBACK_PUBLIC_BASE_URL: z.union([z.url(), z.literal('')]).default(''),
  /** HMAC keys of open/click tracking tokens; the first signs, all verify (rotation). */
  FEEDBACK_TRACKING_KEYS: secretList(32),
});

export type TrackingEnv = z.infer<typeof trackingEnvSchema>;
