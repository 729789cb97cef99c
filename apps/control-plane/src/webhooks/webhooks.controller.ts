import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, UseInterceptors } from '@nestjs/common';
import { ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiIfMatch, ApiJsonBody, ApiJsonResponse, ApiProblems, RequiresScope } from '@cuewire/platform';
import { webhookDefinitionSchema } from '@cuewire/templating';
import { trialSchema, WebhookTrialService } from './webhook-trial.service.js';
import { createWebhookBody, draftPreviewBody, previewSchema, rotatedSecretSchema, testSendSchema, webhookListSchema, webhookViewSchema } from './webhooks.openapi.js';
import { rotateSchema, WebhooksService } from './webhooks.service.js';
import { ConfigEtagInterceptor } from '../config-objects/config-etag.interceptor.js';

const example = {
  id: 'order-confirmation',
  name: 'Order confirmation to the clienteling app',
  url: 'https://clienteling.example.com/hooks/orders/{{urlencode customer.id}}',
  method: 'POST',
  headers: { 'x-campaign': '{{campaign.id}}' },
  contentType: 'application/json',
  body: '{"customer": {{json customer.firstName}}, "total": {{json event.properties.total}}, "items": {{json event.properties.items}}}',
  auth: { type: 'bearer', token: 'write-only' },
  signing: { type: 'standard-webhooks' },
  timeoutMs: 10000,
  successCodes: ['2xx'],
  retry: { schedule: ['30s', '2m', '10m', '1h', '6h'] },
  rateLimit: { perSecond: 50 },
};
/** PUT takes the definition alone: the id is in the path. */
const { id: _id, ...definitionExample } = example;
const presetExample = { id: 'sms', preset: 'twilio', params: { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'write-only', from: '+15005550006' } };
const trialExample = { customerId: 'c-42', context: { event: { type: 'purchase', properties: { total: 10, currency: 'EUR', items: [] } } } };
const draftTrialExample = { webhook: { preset: 'sendgrid', params: { apiKey: 'write-only', fromEmail: 'shop@example.com' } }, ...trialExample };

@ApiTags('control plane')
@RequiresScope('admin')
@Controller('v1/webhooks')
@UseInterceptors(ConfigEtagInterceptor)
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly trials: WebhookTrialService,
  ) {}

  @Post()
  @ApiJsonBody(createWebhookBody, { name: 'WebhookCreate', examples: [example, presetExample] })
  @ApiJsonResponse(201, webhookViewSchema, 'Stored; a generated signing secret is returned once, as generatedSecret. Secrets are never returned.', 'Webhook')
  @ApiProblems({ 400: 'Each invalid field with its JSON path (template errors with line and column); nothing stored' })
  create(@Body() body: unknown) {
    return this.webhooks.create(body);
  }

  @Post('preview')
  @HttpCode(200)
  @ApiJsonBody(draftPreviewBody, { name: 'WebhookDraftTrial', examples: [draftTrialExample] })
  @ApiJsonResponse(200, previewSchema, 'The request the unsaved webhook would send (secrets redacted); nothing is stored or sent')
  @ApiProblems({ 400: 'Each invalid field with its JSON path, the webhook’s under $.webhook as create names them (template errors with line and column); nothing stored', 422: 'The webhook does not render with this context (field and reason)' })
  previewDraft(@Body() body: unknown) {
    return this.trials.previewDraft(body);
  }

  @Get()
  @ApiJsonResponse(200, webhookListSchema, 'Every webhook (secrets never returned)')
  list() {
    return this.webhooks.list();
  }

  @Get(':id')
  @ApiJsonResponse(200, webhookViewSchema, 'The webhook (secrets never returned)', 'Webhook')
  @ApiProblems({ 404: 'No such webhook' })
  get(@Param('id') id: string) {
    return this.webhooks.get(id);
  }

  @Put(':id')
  @ApiJsonBody(webhookDefinitionSchema, { name: 'WebhookDefinition', examples: [definitionExample] })
  @ApiJsonResponse(200, webhookViewSchema, 'Replaced', 'Webhook')
  @ApiProblems({ 400: 'Each invalid field with its JSON path; nothing stored', 404: 'No such webhook', 409: 'Another writer is changing this object right now', 412: 'If-Match given and the object has changed since (the answer carries the current ETag)' })
  @ApiIfMatch()
  replace(@Param('id') id: string, @Body() body: unknown, @Headers('if-match') ifMatch?: string) {
    return this.webhooks.replace(id, body, ifMatch);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems({ 404: 'No such webhook', 409: 'Another writer is changing this object right now', 412: 'If-Match given and the object has changed since (the answer carries the current ETag)' })
  @ApiIfMatch()
  async delete(@Param('id') id: string, @Headers('if-match') ifMatch?: string) {
    await this.webhooks.delete(id, ifMatch);
  }

  @Post(':id/secrets/rotate')
  @HttpCode(200)
  @ApiJsonBody(rotateSchema, { required: false, examples: [{ overlapSeconds: 86400 }] })
  @ApiJsonResponse(200, rotatedSecretSchema, 'The new signing secret, shown once. The previous ones keep signing (both signatures sent) for overlapSeconds.')
  @ApiProblems({ 400: 'Each invalid field with its JSON path', 404: 'No such webhook', 409: 'Another writer is changing this object right now', 412: 'If-Match given and the object has changed since (the answer carries the current ETag)' })
  @ApiIfMatch()
  rotate(@Param('id') id: string, @Body() body: unknown, @Headers('if-match') ifMatch?: string) {
    return this.webhooks.rotate(id, body, ifMatch);
  }

  @Post(':id/preview')
  @HttpCode(200)
  @ApiJsonBody(trialSchema, { name: 'WebhookTrial', required: false, examples: [trialExample] })
  @ApiJsonResponse(200, previewSchema, 'The request that would be sent (secrets redacted); nothing is sent')
  @ApiProblems({ 400: 'Each invalid field with its JSON path', 404: 'No such webhook', 422: 'The webhook does not render with this context (field and reason)' })
  preview(@Param('id') id: string, @Body() body: unknown) {
    return this.trials.preview(id, body);
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiJsonBody(trialSchema, { name: 'WebhookTrial', required: false, examples: [trialExample] })
  @ApiJsonResponse(200, testSendSchema, 'Delivered once: the request sent (secrets redacted) and the response (status, headers, body excerpt, latency). Not counted in campaign statistics.')
  @ApiProblems({ 400: 'Each invalid field with its JSON path', 404: 'No such webhook', 422: 'The webhook does not render with this context (field and reason)' })
  test(@Param('id') id: string, @Body() body: unknown) {
    return this.trials.test(id, body);
  }
}
