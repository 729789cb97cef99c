import { authInputSchema, signingInputSchema, webhookDefinitionSchema, webhookPresets, webhookSettingsSchema } from '@cuewire/templating';
import { z } from 'zod';
import { objectIdSchema } from '../config-objects/object-id.js';
import { draftTrialSchema } from './webhook-trial.service.js';

/** The request and answer shapes of /v1/webhooks for the OpenAPI document (requests: the schemas the service validates with). */

const presetBodies = Object.values(webhookPresets).map((p) =>
  webhookSettingsSchema
    .partial()
    .extend({ id: objectIdSchema.optional(), preset: z.literal(p.id), params: p.params as z.ZodType, auth: authInputSchema.optional(), signing: signingInputSchema.optional() })
    .strict(),
);

/** A full definition (with an optional id), or a provider preset with its params and any field to override. */
export const createWebhookBody = z.union([webhookDefinitionSchema.safeExtend({ id: objectIdSchema.optional() }), ...presetBodies]);

/** A draft preview: the webhook as create takes it, and what to render it with. */
export const draftPreviewBody = draftTrialSchema.extend({ webhook: createWebhookBody }).strict();

const isoTime = z.iso.datetime();

export const webhookViewSchema = webhookSettingsSchema.extend({
  id: z.string(),
  revision: z.number().int(),
  updatedAt: isoTime,
  auth: z.discriminatedUnion('type', [
    z.object({ type: z.literal('none') }),
    z.object({ type: z.literal('basic'), username: z.string(), passwordSet: z.literal(true) }),
    z.object({ type: z.literal('bearer'), tokenSet: z.literal(true) }),
    z.object({ type: z.literal('header'), name: z.string(), valueSet: z.literal(true) }),
  ]),
  signing: z
    .object({
      type: z.literal('standard-webhooks'),
      activeSecrets: z.number().int(),
      secrets: z.array(z.object({ id: z.string(), createdAt: isoTime, expiresAt: isoTime.nullable() })),
    })
    .optional(),
  generatedSecret: z.string().optional().describe('Returned once, when Cuewire generated the signing secret'),
});

export const webhookListSchema = z.array(webhookViewSchema);

export const rotatedSecretSchema = z.object({
  id: z.string(),
  secret: z.string().describe('The new whsec_… secret, shown this once'),
  overlapSeconds: z.number().int(),
  signing: webhookViewSchema.shape.signing,
  revision: z.number().int().describe('The webhook revision the rotation made (its ETag)'),
  updatedAt: isoTime,
});

const shownRequestSchema = z.object({
  deliveryId: z.string(),
  method: z.string(),
  url: z.string(),
  headers: z.record(z.string(), z.string()).describe('Secrets redacted'),
  body: z.string(),
});

export const previewSchema = z.object({ request: shownRequestSchema });

export const testSendSchema = z.object({
  ok: z.boolean().describe('Whether the answer counts as delivered under the webhook’s successCodes'),
  request: shownRequestSchema,
  response: z.object({ status: z.number().int(), headers: z.record(z.string(), z.unknown()), bodyExcerpt: z.string(), latencyMs: z.number() }).nullable(),
  error: z.string().optional(),
});

export const presetListSchema = z.array(z.object({ id: z.string(), name: z.string(), description: z.string(), params: z.record(z.string(), z.unknown()).describe('The preset’s parameters as JSON Schema') }));
