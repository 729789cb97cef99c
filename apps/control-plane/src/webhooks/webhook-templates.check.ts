import { RequestValidationError } from '@cuewire/platform';
import { batchIdFor, CompiledBatch, CompiledWebhook, RenderError, sampleTemplateContext, TemplateCompileError, type createTemplateEngine, type WebhookSettings } from '@cuewire/templating';

/**
 * Save-time template checks: every template compiles (syntax errors with line and column,
 * no partials, no prototype names), and the webhook renders against the documented sample
 * context into a valid request (JSON bodies parse, output and work within the limits).
 * Fields the sample lacks render as empty/null here, so custom attributes do not fail the check.
 */
export function checkTemplates(engine: ReturnType<typeof createTemplateEngine>, webhook: WebhookSettings & { id: string }): void {
  try {
    new CompiledWebhook(engine, webhook);
    const sample = sampleTemplateContext({ id: webhook.id, name: webhook.name });
    const { body } = new CompiledWebhook(engine, webhook, 'lenient').render(sample);
    if (webhook.batch) {
      // A batched webhook's sample is a batch of two of the sample item: does the batch render a valid body?
      const batched = { ...webhook, batch: webhook.batch };
      new CompiledBatch(engine, batched);
      const items = ['msg_sample_1', 'msg_sample_2'].map((deliveryId) => ({ deliveryId, triggerId: sample.trigger.id, campaignId: sample.campaign.id, customerId: sample.customer.id, createdAt: 0, body }));
      new CompiledBatch(engine, batched, 'lenient').render(batchIdFor(items.map((i) => i.deliveryId)), items);
    }
  } catch (error) {
    if (error instanceof TemplateCompileError) throw new RequestValidationError([{ path: `$.${error.field}`, message: error.message }]);
    if (error instanceof RenderError) throw new RequestValidationError([{ path: `$.${error.field}`, message: `${error.message} (rendered with the sample context, see docs/templates.md)` }]);
    throw error;
  }
}
