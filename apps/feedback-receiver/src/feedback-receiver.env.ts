import { z } from 'zod';
import { apiKeysEnvSchema } from '@cuewire/api-keys';

/** Comma-separated secrets (several are active during a rotation); empty means "not configured". */
const secretList = (minLength: number) =>
  z
    .string()
    .default('')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string().min(minLength, `each secret needs at least ${minLength} characters`)));

export const feedbackReceiverEnvSchema = z.object({
  // POST /v1/feedback/engagements needs an ingest key; provider callbacks are checked by their signatures.
  ...apiKeysEnvSchema.shape,
  /** Same key and default as ingest's: in the single binary the merged schemas must agree. */
  HTTP_BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).default(5 * 1_048_576),
  /** How far a signed callback's timestamp may be from now (SendGrid, Standard Webhooks). */
  FEEDBACK_SIGNATURE_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** How long a processed callback is remembered, so a provider's retry is not counted twice. */
  FEEDBACK_DEDUPE_WINDOW_SECONDS: z.coerce.number().int().min(60).default(7 * 86_400),
  /** SendGrid Event Webhook verification key as shown by SendGrid (base64 DER SPKI) or PEM. */
  FEEDBACK_SENDGRID_PUBLIC_KEY: z.string().default(''),
  /** Twilio auth token(s) that sign status callbacks (primary, and secondary during a rotation). */
  FEEDBACK_TWILIO_AUTH_TOKENS: secretList(8),
  /** Public origin providers call (e.g. https://hooks.example.com); Twilio signs the full URL it called. */
  FEEDBACK_PUBLIC_BASE_URL: z.union([z.url(), z.literal('')]).default(''),
  /** Standard Webhooks secrets (`whsec_…`) of systems that post normalized engagements. */
  FEEDBACK_STANDARD_WEBHOOKS_SECRETS: secretList(8),
  /** Basic-auth credentials configured on the Smartech webhook. */
  FEEDBACK_SMARTECH_USERNAME: z.string().default(''),
  FEEDBACK_SMARTECH_PASSWORD: z.string().default(''),
  /** HMAC keys of open/click tracking tokens; the first signs, all verify (rotation). */
  FEEDBACK_TRACKING_KEYS: secretList(32),
  /** The pixel and the redirect answer after this long even if Kafka has not acknowledged yet. */
  FEEDBACK_TRACKING_PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(0).default(2_000),
});

export type FeedbackReceiverEnv = z.infer<typeof feedbackReceiverEnvSchema>;
