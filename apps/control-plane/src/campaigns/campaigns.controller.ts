import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, UseInterceptors } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import { RequiresScope } from '@cuewire/platform';
import { ConfigEtagInterceptor } from '../config-objects/config-etag.interceptor.js';
import { CampaignsService } from './campaigns.service.js';
import { TriggerOnDemandUseCase } from './trigger-on-demand.usecase.js';

const example = {
  id: 'thank-you-for-buying',
  name: 'Thank you for buying',
  status: 'live',
  trigger: { type: 'event', eventType: 'purchase' },
  webhookIds: ['order-confirmation'],
};

@ApiTags('control plane')
@RequiresScope('admin')
@Controller('v1/campaigns')
@UseInterceptors(ConfigEtagInterceptor)
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly triggerOnDemand: TriggerOnDemandUseCase,
  ) {}

  @Post()
  @ApiBody({ schema: { example } })
  @ApiCreatedResponse({ description: 'Stored and live on every evaluator within a second' })
  @ApiBadRequestResponse({ description: 'Each invalid field with its JSON path; nothing stored' })
  create(@Body() body: unknown) {
    return this.campaigns.create(body);
  }

  @Get()
  list() {
    return this.campaigns.list();
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.campaigns.get(id);
  }

  @Put(':id')
  @ApiBody({ schema: { example } })
  replace(@Param('id') id: string, @Body() body: unknown, @Headers('if-match') ifMatch?: string) {
    return this.campaigns.replace(id, body, ifMatch);
  }

  /** Fires an on-demand campaign for listed customers or a segment (202 once Kafka has the requests). */
  @Post(':id/trigger')
  @HttpCode(202)
  @ApiBody({ schema: { example: { customerIds: ['c-42', 'c-43'] } } })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Retry-safe firing: a request repeated with the same key (per campaign) writes the same on-demand events, so each customer gets one message with one webhook-id. 1 to 255 visible ASCII characters, no spaces; anything else is a 400 naming the header.',
  })
  @ApiBadRequestResponse({ description: 'Invalid body or Idempotency-Key, or not an on-demand campaign; nothing written' })
  trigger(@Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') idempotencyKey?: string) {
    return this.triggerOnDemand.execute(id, body, idempotencyKey);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string, @Headers('if-match') ifMatch?: string) {
    await this.campaigns.delete(id, ifMatch);
  }
}
