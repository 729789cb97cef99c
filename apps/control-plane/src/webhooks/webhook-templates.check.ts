import { RequestValidationError } from '@cuewire/platform';
import { CompiledWebhook, RenderError, sampleTemplateContext, TemplateCompileError, type createTemplateEngine, type WebhookSettings } from '@cuewire/templating';

/**
 * Save-time template checks: every template compiles (syntax errors with line and column,
 * no partials, no prototype names), and the webhook renders against the documented sample
 * context into a valid request (JSON bodies parse, output and work within the limits).
 * Fields the sample lacks render as empty/null here, so custom attributes do not fail the check.
 */
export function checkTemplates(engine: ReturnType<typeof createTemplateEngine>, webhook: WebhookSettings & { id: string }): void {
  try {
    new CompiledWebhook(engine, webhook);
    new CompiledWebhook(engine, webhook, 'lenient').render(sampleTemplateContext({ id: webhook.id, name: webhook.name }));
  } catch (error) {
    if (error instanceof TemplateCompileError) throw new RequestValidationError([{ path: `$.${error.field}`, message: error.message }]);
    if (error instanceof RenderError) throw new RequestValidationError([{ path: `$.${error.field}`, message: `${error.message} (rendered with the sample context, see docs/templates.md)` }]);
    throw error;
  }
}
