import { z } from 'zod';

const template = z.string().max(100_000);

/**
 * A webhook: an HTTP request whose URL, headers and body are Handlebars templates. This
 * first cut covers JSON bodies and Standard Webhooks signing; other content types, auth
 * kinds, presets and rotation extend it.
 */
export const webhookDefinitionSchema = z
  .object({
    name: z.string().min(1).max(200),
    url: template.refine((u) => /^https?:\/\//i.test(u), 'must start with http:// or https://'),
    method: z.enum(['POST', 'PUT', 'PATCH', 'GET', 'DELETE']).default('POST'),
    headers: z.record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'not a valid header name'), template).default({}),
    contentType: z.enum(['application/json']).default('application/json'),
    body: template.default(''),
    signing: z
      .object({
        type: z.literal('standard-webhooks'),
        /** Write-only: never returned by the API. `whsec_` + base64; generated when absent. */
        secrets: z.array(z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must be whsec_ followed by base64')).min(1).max(5).optional(),
      })
      .strict()
      .optional(),
    timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
    enabled: z.boolean().default(true),
  })
  .strict();

export type WebhookDefinition = z.infer<typeof webhookDefinitionSchema>;

export interface Webhook extends WebhookDefinition {
  readonly id: string;
  readonly revision: number;
}
