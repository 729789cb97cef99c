import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, UseInterceptors } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { RequiresScope } from '@cuewire/platform';
import { ConfigEtagInterceptor } from '../config-objects/config-etag.interceptor.js';
import { WebhookTrialService } from './webhook-trial.service.js';
import { WebhooksService } from './webhooks.service.js';

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
const presetExample = { id: 'sms', preset: 'twilio', params: { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'write-only', from: '+15005550006' } };
const trialExample = { customerId: 'c-42', context: { event: { type: 'purchase', properties: { total: 10, currency: 'EUR', items: [] } } } };

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
  @ApiBody({ schema: { examples: [example, presetExample] } })
  @ApiCreatedResponse({ description: 'Stored; a generated signing secret is returned once, as generatedSecret. Secrets are never returned.' })
  @ApiBadRequestResponse({ description: 'Each invalid field with its JSON path (template errors with line and column); nothing stored' })
  create(@Body() body: unknown) {
    return this.webhooks.create(body);
  }

  @Get()
  list() {
    return this.webhooks.list();
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.webhooks.get(id);
  }

  @Put(':id')
  @ApiBody({ schema: { example } })
  replace(@Param('id') id: string, @Body() body: unknown, @Headers('if-match') ifMatch?: string) {
    return this.webhooks.replace(id, body, ifMatch);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string, @Headers('if-match') ifMatch?: string) {
    await this.webhooks.delete(id, ifMatch);
  }

  @Post(':id/secrets/rotate')
  @HttpCode(200)
  @ApiBody({ schema: { example: { overlapSeconds: 86400 } } })
  @ApiOkResponse({ description: 'The new signing secret, shown once. The previous ones keep signing (both signatures sent) for overlapSeconds.' })
  rotate(@Param('id') id: string, @Body() body: unknown, @Headers('if-match') ifMatch?: string) {
    return this.webhooks.rotate(id, body, ifMatch);
  }

  @Post(':id/preview')
  @HttpCode(200)
  @ApiBody({ schema: { example: trialExample } })
  @ApiOkResponse({ description: 'The request that would be sent (secrets redacted); nothing is sent' })
  @ApiUnprocessableEntityResponse({ description: 'The webhook does not render with this context (field and reason)' })
  preview(@Param('id') id: string, @Body() body: unknown) {
    return this.trials.preview(id, body);
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiBody({ schema: { example: trialExample } })
  @ApiOkResponse({ description: 'Delivered once: the request sent (secrets redacted) and the response (status, headers, body excerpt, latency). Not counted in campaign statistics.' })
  test(@Param('id') id: string, @Body() body: unknown) {
    return this.trials.test(id, body);
  }
}
