import { randomBytes } from 'node:crypto';
import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { deliveryHeaders, openCredentials, redactHeaders } from '@cuewire/delivery';
import { parseRequest, RequestValidationError } from '@cuewire/platform';
import { BATCH_ID_HEADER, batchIdFor, CompiledBatch, CompiledWebhook, isSuccessStatus, RenderError, sampleTemplateContext, type StoredWebhook, type TemplateContext } from '@cuewire/templating';
import { z } from 'zod';
import { CustomerProfileRepository } from './customer-profile.repository.js';
import { WebhookOutbound } from './webhook-outbound.provider.js';
import { WebhooksService } from './webhooks.service.js';

export const trialSchema = z
  .object({
    /** Replaces top-level parts of the sample context (customer, event, events, campaign, …). */
    context: z.record(z.string(), z.unknown()).optional(),
    /** Renders with this customer's profile as the segmenter keeps it. */
    customerId: z.string().min(1).max(200).optional(),
  })
  .strict();

/** A preview of a webhook not saved yet: the definition as create (or PUT, with its id) takes it. */
export const draftTrialSchema = trialSchema
  .extend({
    /** A full definition, or a preset with its params and overrides; validated as create validates it. */
    webhook: z.record(z.string(), z.unknown()),
  })
  .strict();

/** Where a draft's own errors are named in the request: under `webhook`. */
const DRAFT_PATH = '$.webhook';

/** A template that cannot render with the given data: 422 with the field, like a 400's errors. */
class RenderFailed extends HttpException {
  constructor(error: RenderError, base: string) {
    super({ title: 'The webhook does not render with this context', errors: [{ path: `${base}.${error.field}`, message: error.message }] }, HttpStatus.UNPROCESSABLE_ENTITY);
  }
}

/** The draft's validation errors (paths from `$`, as create names them), named where they are in the preview request. */
function underDraft<T>(validate: () => T): T {
  try {
    return validate();
  } catch (error) {
    if (error instanceof RequestValidationError) throw new RequestValidationError(error.errors.map((e) => ({ ...e, path: DRAFT_PATH + e.path.slice(1) })));
    throw error;
  }
}

/**
 * Preview (render, do not send) and send test (render, deliver once, show request and
 * response). Both build exactly what the pipeline would: strict rendering, auth and
 * Standard Webhooks signing with the secrets active now; secrets are redacted in what is
 * returned. A test delivery has a `msg_test_…` id and is not written to delivery-results, so
 * it never counts in campaign statistics.
 */
@Injectable()
export class WebhookTrialService {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly outbound: WebhookOutbound,
    private readonly profiles: CustomerProfileRepository,
  ) {}

  async preview(id: string, body: unknown) {
    const webhook = this.webhooks.stored(id);
    const { request } = await this.build(webhook, parseRequest(trialSchema, body ?? {}));
    return { request: request.shown };
  }

  /**
   * Preview of a webhook not saved yet (the console's editor while creating or editing): the
   * draft is validated and its secrets sealed as saving it would, then rendered like a saved one.
   */
  async previewDraft(body: unknown) {
    const input = parseRequest(draftTrialSchema, body ?? {});
    const webhook = underDraft(() => this.webhooks.draft(input.webhook));
    const { request } = await this.build(webhook, input, DRAFT_PATH);
    return { request: request.shown };
  }

  async test(id: string, body: unknown) {
    const webhook = this.webhooks.stored(id);
    const { request } = await this.build(webhook, parseRequest(trialSchema, body ?? {}));
    try {
      const response = await this.outbound.http.send({ ...request.sent, timeoutMs: webhook.timeoutMs });
      return { ok: isSuccessStatus(webhook.successCodes, response.statusCode), request: request.shown, response: { status: response.statusCode, headers: response.headers, bodyExcerpt: response.bodyExcerpt, latencyMs: response.latencyMs } };
    } catch (error) {
      return { ok: false, request: request.shown, response: null, error: (error as Error).message };
    }
  }

  /** `base`: where the webhook's fields are named in the request's errors (`$` for a saved one). */
  private async build(webhook: StoredWebhook & { id: string; name: string }, input: z.infer<typeof trialSchema>, base = '$') {
    const context = await this.context(webhook, input);
    let rendered;
    let deliveryId = `msg_test_${randomBytes(12).toString('hex')}`;
    try {
      rendered = new CompiledWebhook(this.outbound.engine, webhook).render(context);
      if (webhook.batch) {
        // A batched webhook is tried as the pipeline sends it: a batch (of this one item), under the batch's id.
        const item = { deliveryId, triggerId: context.trigger.id, campaignId: context.campaign.id, customerId: context.customer.id, createdAt: Date.now(), body: rendered.body };
        const batchId = batchIdFor([deliveryId]);
        const body = new CompiledBatch(this.outbound.engine, { ...webhook, batch: webhook.batch }).render(batchId, [item]);
        rendered = { ...rendered, headers: { ...rendered.headers, [BATCH_ID_HEADER]: batchId }, body };
        deliveryId = batchId;
      }
    } catch (error) {
      if (error instanceof RenderError) throw new RenderFailed(error, base);
      throw error;
    }
    const credentials = openCredentials(webhook, this.outbound.box);
    const headers = deliveryHeaders(rendered.headers, deliveryId, rendered.body, credentials);
    const sent = { method: rendered.method, url: rendered.url, headers, body: rendered.body };
    return { request: { sent, shown: { ...sent, deliveryId, headers: redactHeaders(headers, credentials) } } };
  }

  private async context(webhook: { id: string; name: string }, input: z.infer<typeof trialSchema>): Promise<TemplateContext> {
    let profile;
    if (input.customerId) {
      const attributes = await this.profiles.find(input.customerId);
      if (!attributes) throw new RequestValidationError([{ path: '$.customerId', message: `customer ${input.customerId} has no profile` }]);
      profile = { id: input.customerId, attributes };
    }
    return { ...sampleTemplateContext(webhook, profile), ...(input.context as Partial<TemplateContext> | undefined) };
  }
}
