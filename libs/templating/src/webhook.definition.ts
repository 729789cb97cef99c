import { z } from 'zod';

const template = z.string().max(100_000);
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'not a valid header name');
/** A write-only secret as the API receives it (plain text, over TLS). */
const secretInput = z.string().min(1).max(4096);
/** A secret as stored in the config topic: sealed (AES-256-GCM, see @cuewire/delivery secret-box). */
const sealed = z.string().regex(/^v1\./, 'must be a sealed secret');
const whsec = z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must be whsec_ followed by base64');

export const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/plain'] as const;
/** Batch bounds: a batch is one Kafka record on the retry tiers, and its items wait uncommitted while it collects. */
export const BATCH_MAX_ITEMS = 1_000;
export const BATCH_MAX_WAIT_MS = 60_000;

const duration = z.string().regex(/^\d{1,7}(ms|s|m|h|d)$/, 'must be a duration such as 500ms, 30s, 5m, 2h or 1d');
const statusCode = z.union([z.number().int().min(100).max(599), z.string().regex(/^[1-5]xx$/, 'must be a status code or a class such as 2xx')]);

/** Everything about a webhook that is not a secret: templates, transport and delivery policy. */
export const webhookSettingsSchema = z.object({
  name: z.string().min(1).max(200),
  url: template.refine((u) => /^https?:\/\//i.test(u), 'must start with http:// or https://'),
  method: z.enum(['POST', 'PUT', 'PATCH', 'GET', 'DELETE']).default('POST'),
  headers: z.record(headerName, template).default({}),
  /**
   * JSON: `body` must render valid JSON. Form: either `form` (one template per field, each
   * rendered value URL-encoded by Cuewire) or `formJsonField` (the `body` renders JSON, sent as
   * one field: `data=<urlencoded JSON>`, Smartech style). Plain text: `body` as rendered.
   */
  contentType: z.enum(CONTENT_TYPES).default('application/json'),
  body: template.default(''),
  form: z.record(z.string().min(1).max(200), template).optional(),
  formJsonField: z.string().min(1).max(200).optional(),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  /** Which answers count as delivered: codes (201) or classes ("2xx"). */
  successCodes: z.array(statusCode).min(1).max(50).default(['2xx']),
  /**
   * Waits before attempts 2, 3, … (applied by the dispatcher's retry stage). Empty, the default:
   * the dispatcher's DISPATCH_RETRY_SCHEDULE decides, so one setting governs every webhook that
   * sets none.
   */
  retry: z
    .object({ schedule: z.array(duration).max(20).default([]) })
    .strict()
    .default({ schedule: [] }),
  /** Requests per second to this webhook across all replicas (stored; applied by the dispatcher's rate limiter). */
  rateLimit: z
    .object({ perSecond: z.number().positive().max(100_000), burst: z.number().int().min(1).max(100_000).optional() })
    .strict()
    .optional(),
  enabled: z.boolean().default(true),
  /**
   * Opt-in batching: the dispatcher collects this webhook's deliveries (each rendered by `body`
   * as one item) and sends up to `maxItems` of them in one request, at the latest `maxWaitMs`
   * after the first one arrived. `template` renders the whole request body from `items`
   * (docs/templates.md); the content type applies to it. Items keep their own delivery ids.
   */
  batch: z
    .object({
      maxItems: z.number().int().min(2).max(BATCH_MAX_ITEMS),
      maxWaitMs: z.number().int().min(10).max(BATCH_MAX_WAIT_MS),
      template: template.refine((t) => t.includes('items'), 'must render the items (e.g. {{#each items}}…{{/each}})'),
    })
    .strict()
    .optional(),
});

export type WebhookSettings = z.infer<typeof webhookSettingsSchema>;

/**
 * Headers a webhook's templates may not set: the HTTP client owns the framing and the
 * connection (host, length, encoding, hop-by-hop), and Cuewire sets the signing headers. Refused
 * at save time; stripped at send time from requests stored before this rule (libs/delivery).
 */
export const CLIENT_MANAGED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'http2-settings',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  // Set on batch requests (batched webhooks): the batch's id.
  'webhook-batch-id',
]);

const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'host', 'user-agent', 'webhook-id', 'webhook-timestamp', 'webhook-signature']);

/** Auth as the API accepts it. Secrets are optional on update: absent = keep the stored one. */
export const authInputSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('basic'), username: z.string().min(1).max(500).refine((u) => !u.includes(':'), 'may not contain ":"'), password: secretInput.optional() }).strict(),
  z.object({ type: z.literal('bearer'), token: secretInput.optional() }).strict(),
  z
    .object({
      type: z.literal('header'),
      name: headerName.refine((n) => !RESERVED_HEADERS.has(n.toLowerCase()), 'is set by Cuewire; choose another header name'),
      value: secretInput.optional(),
    })
    .strict(),
]);

export const signingInputSchema = z
  .object({
    type: z.literal('standard-webhooks'),
    /** Write-only: never returned by the API. Generated when absent on create. */
    secrets: z.array(whsec).min(1).max(5).optional(),
  })
  .strict();

/** Auth as stored: the secret part sealed. */
export const storedAuthSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('basic'), username: z.string(), password: sealed }),
  z.object({ type: z.literal('bearer'), token: sealed }),
  z.object({ type: z.literal('header'), name: headerName, value: sealed }),
]);

export const storedSigningSecretSchema = z.object({
  id: z.string(),
  value: sealed,
  createdAt: z.number().int(),
  /** Epoch ms after which this secret no longer signs (rotation overlap); null = no end. */
  expiresAt: z.number().int().nullable(),
});

export const storedSigningSchema = z.object({ type: z.literal('standard-webhooks'), secrets: z.array(storedSigningSecretSchema).min(1) });

function checkBody(value: { contentType: string; body: string; form?: object; formJsonField?: string; headers: Record<string, string>; batch?: object }, ctx: z.RefinementCtx): void {
  for (const name of Object.keys(value.headers)) {
    if (CLIENT_MANAGED_HEADERS.has(name.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['headers', name], message: `${name} is set by the HTTP client or by Cuewire; a webhook may not set it` });
  }
  const isForm = value.contentType === 'application/x-www-form-urlencoded';
  if (!isForm && value.form) ctx.addIssue({ code: 'custom', path: ['form'], message: 'only for contentType application/x-www-form-urlencoded' });
  if (!isForm && value.formJsonField) ctx.addIssue({ code: 'custom', path: ['formJsonField'], message: 'only for contentType application/x-www-form-urlencoded' });
  if (isForm && !value.form === !value.formJsonField) ctx.addIssue({ code: 'custom', path: ['form'], message: 'a form body needs exactly one of form (fields) or formJsonField (JSON in one field)' });
  if (isForm && value.form && value.body !== '') ctx.addIssue({ code: 'custom', path: ['body'], message: 'not used when form fields are given; leave it out' });
  if (isForm && value.form && Object.keys(value.form).length === 0) ctx.addIssue({ code: 'custom', path: ['form'], message: 'needs at least one field' });
  // A batch's items are rendered by `body`; form fields describe one request, not an item.
  if (value.batch && value.form) ctx.addIssue({ code: 'custom', path: ['batch'], message: 'not with form fields: items are rendered by body (use formJsonField to send the batch as data=<json>)' });
}

/** A webhook as the API receives it (POST / PUT /v1/webhooks). */
export const webhookDefinitionSchema = webhookSettingsSchema
  .extend({ auth: authInputSchema.default({ type: 'none' }), signing: signingInputSchema.optional() })
  .strict()
  .superRefine(checkBody);

export type WebhookDefinition = z.infer<typeof webhookDefinitionSchema>;
export type AuthInput = z.infer<typeof authInputSchema>;

/** A webhook as stored in the compacted config topic (secrets sealed). */
export const storedWebhookSchema = webhookSettingsSchema.extend({ auth: storedAuthSchema.default({ type: 'none' }), signing: storedSigningSchema.optional() });

export type StoredWebhook = z.infer<typeof storedWebhookSchema>;
export type StoredAuth = z.infer<typeof storedAuthSchema>;
export type StoredSigningSecret = z.infer<typeof storedSigningSecretSchema>;

export interface Webhook extends StoredWebhook {
  readonly id: string;
  readonly revision: number;
}

/** Whether a status code counts as delivered under a webhook's successCodes. */
export function isSuccessStatus(successCodes: readonly (number | string)[], status: number): boolean {
  return successCodes.some((code) => (typeof code === 'number' ? code === status : Math.floor(status / 100) === Number(code[0])));
}
