import { z } from 'zod';
import { apiKeysEnvSchema } from '@cuewire/api-keys';
import { secretList, trackingEnvSchema } from '@cuewire/templating';

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
  // FEEDBACK_PUBLIC_BASE_URL (Twilio signs the full URL it called) and FEEDBACK_TRACKING_KEYS: shared with the renderer.
  ...trackingEnvSchema.shape,
  /** Standard Webhooks secrets (`whsec_…`) of systems that post normalized engagements. */
  FEEDBACK_STANDARD_WEBHOOKS_SECRETS: secretList(8),
  /** Basic-auth credentials configured on the Smartech webhook. */
  FEEDBACK_SMARTECH_USERNAME: z.string().default(''),
  FEEDBACK_SMARTECH_PASSWORD: z.string().default(''),
  /** The pixel and the redirect answer after this long even if Kafka has not acknowledged yet. */
  FEEDBACK_TRACKING_PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(0).default(2_000),
});

export type FeedbackReceiverEnv = z.infer<typeof feedbackReceiverEnvSchema>;
