import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiJsonResponse, openApiSchemaOf, parseRequest, RequiresScope } from '@cuewire/platform';
import { campaignFiguresQuery, campaignFiguresReport } from './campaign-figures.schemas.js';
import { CampaignFiguresRepository } from './campaign-figures.repository.js';
import { id } from '../http/query-fields.js';

const query = openApiSchemaOf(campaignFiguresQuery, 'input') as { properties: Record<string, { description?: string }> };

/** A campaign's figures over time, for the marketer console's charts. */
@ApiTags('delivery history')
@RequiresScope('admin')
@Controller('v1/campaigns')
export class CampaignFiguresController {
  constructor(private readonly figures: CampaignFiguresRepository) {}

  @Get(':campaignId/figures')
  @ApiQuery({ name: 'from', required: false, description: query.properties.from.description, schema: { type: 'string' } })
  @ApiQuery({ name: 'to', required: false, description: query.properties.to.description, schema: { type: 'string' } })
  @ApiQuery({ name: 'bucket', required: false, description: query.properties.bucket.description, schema: { type: 'string', enum: ['hour', 'day'], default: 'day' } })
  @ApiJsonResponse(200, campaignFiguresReport, 'Triggered, sent, delivered, failed, opened and clicked, in total and per bucket, for the campaign and per webhook')
  @ApiBadRequestResponse({ description: 'Each invalid query parameter with its path ($.from, $.bucket, …)' })
  get(@Param('campaignId') campaignId: string, @Query() q: unknown) {
    return this.figures.figures(parseRequest(id, campaignId, ['campaignId']), parseRequest(campaignFiguresQuery, q));
  }
}
