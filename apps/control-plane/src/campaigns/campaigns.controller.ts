import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { campaignDefinitionSchema } from '@cuewire/campaigns';
import { ApiIfMatch, ApiJsonBody, ApiJsonResponse, ApiProblems, RequiresScope } from '@cuewire/platform';
import { campaignListSchema, campaignViewSchema, createCampaignBody, triggerResultSchema } from './campaigns.openapi.js';
import { ConfigEtagInterceptor } from '../config-objects/config-etag.interceptor.js';
import { CampaignsService } from './campaigns.service.js';
import { requestSchema as triggerRequestSchema, TriggerOnDemandUseCase } from './trigger-on-demand.usecase.js';

const example = {
  id: 'thank-you-for-buying',
  name: 'Thank you for buying',
  status: 'live',
  trigger: { type: 'event', eventType: 'purchase' },
  webhookIds: ['order-confirmation'],
};
/** An A/B test: two subject lines, 45 % each, and a 10 % control group that is recorded and sent nothing. */
const abTestExample = {
  id: 'spring-offer',
  name: 'Spring offer, two subject lines',
  status: 'live',
  trigger: { type: 'event', eventType: 'purchase' },
  webhookIds: ['order-confirmation'],
  variants: [
    { id: 'a', name: 'Ten percent off', weight: 45, variables: { subject: 'Ten percent off your next order' } },
    { id: 'b', name: 'Free shipping', weight: 45, variables: { subject: 'Free shipping on your next order' } },
  ],
  controlGroup: { weight: 10 },
};
/** PUT takes the definition alone: the id is in the path. */
const { id: _id, ...definitionExample } = example;

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
  @ApiJsonBody(createCampaignBody, { name: 'CampaignCreate', examples: [example, abTestExample] })
  @ApiJsonResponse(201, campaignViewSchema, 'Stored and live on every evaluator within a second', 'Campaign')
  @ApiProblems({ 400: 'Each invalid field with its JSON path (unknown webhooks and segments too); nothing stored' })
  create(@Body() body: unknown) {
    return this.campaigns.create(body);
  }

  @Get()
  @ApiJsonResponse(200, campaignListSchema, 'Every campaign')
  list() {
    return this.campaigns.list();
  }

  @Get(':id')
  @ApiJsonResponse(200, campaignViewSchema, 'The campaign', 'Campaign')
  @ApiProblems({ 404: 'No such campaign' })
  get(@Param('id') id: string) {
    return this.campaigns.get(id);
  }

  @Put(':id')
  @ApiJsonBody(campaignDefinitionSchema, { name: 'CampaignDefinition', examples: [definitionExample] })
  @ApiJsonResponse(200, campaignViewSchema, 'Replaced', 'Campaign')
  @ApiProblems({ 400: 'Each invalid field with its JSON path; nothing stored', 404: 'No such campaign', 409: 'Another writer is changing this object right now', 412: 'If-Match given and the object has changed since (the answer carries the current ETag)' })
  @ApiIfMatch()
  replace(@Param('id') id: string, @Body() body: unknown, @Headers('if-match') ifMatch?: string) {
    return this.campaigns.replace(id, body, ifMatch);
  }

  /** Fires an on-demand campaign for listed customers or a segment (202 once Kafka has the requests). */
  @Post(':id/trigger')
  @HttpCode(202)
  @ApiJsonBody(triggerRequestSchema, { examples: [{ customerIds: ['c-42', 'c-43'] }] })
  @ApiJsonResponse(202, triggerResultSchema, 'Accepted: an on-demand event per customer is on the events topic')
  @ApiProblems({ 400: 'Invalid request, or not an on-demand campaign', 404: 'No such campaign' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Retry-safe firing: a request repeated with the same key (per campaign) writes the same on-demand events, so each customer gets one message with one webhook-id. 1 to 255 visible ASCII characters, no spaces; anything else is a 400 naming the header.',
  })
  trigger(@Param('id') id: string, @Body() body: unknown, @Headers('Idempotency-Key') idempotencyKey?: string) {
    return this.triggerOnDemand.execute(id, body, idempotencyKey);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems({ 404: 'No such campaign', 409: 'Another writer is changing this object right now', 412: 'If-Match given and the object has changed since (the answer carries the current ETag)' })
  @ApiIfMatch()
  async delete(@Param('id') id: string, @Headers('if-match') ifMatch?: string) {
    await this.campaigns.delete(id, ifMatch);
  }
}
