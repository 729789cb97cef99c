import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { ApiJsonQuery, ApiJsonResponse, parseRequest, RequiresScope } from '@cuewire/platform';
import { deliveryDetail, deliverySearchPage, deliverySearchQuery, deliverySummary, deliverySummaryQuery } from './delivery-history.schemas.js';
import { DeliveryHistoryRepository } from './delivery-history.repository.js';
import { id } from '../http/query-fields.js';

/** The delivery history (PostgreSQL): search, one delivery with its attempts, counts. Replay stays with the dispatcher. */
@ApiTags('delivery history')
@RequiresScope('admin')
@Controller('v1/deliveries')
export class DeliveryHistoryController {
  constructor(private readonly history: DeliveryHistoryRepository) {}

  @Get()
  @ApiJsonQuery(deliverySearchQuery)
  @ApiJsonResponse(200, deliverySearchPage, 'Attempts matching every filter given, newest first, one page')
  @ApiBadRequestResponse({ description: 'Each invalid query parameter with its path ($.outcome, $.limit, …)' })
  search(@Query() query: unknown) {
    return this.history.search(parseRequest(deliverySearchQuery, query));
  }

  @Get('summary')
  @ApiJsonQuery(deliverySummaryQuery)
  @ApiJsonResponse(200, deliverySummary, 'Attempts per outcome and distinct deliveries matching the filters, in total and per variant')
  @ApiBadRequestResponse({ description: 'Each invalid query parameter with its path' })
  summary(@Query() query: unknown) {
    return this.history.summary(parseRequest(deliverySummaryQuery, query));
  }

  @Get(':deliveryId')
  @ApiJsonResponse(200, deliveryDetail, 'The delivery with every attempt, oldest first, each with the request as sent')
  @ApiNotFoundResponse({ description: 'No attempt of this delivery in the history (unknown, or past retention)' })
  async detail(@Param('deliveryId') deliveryId: string) {
    const found = await this.history.detail(parseRequest(id, deliveryId, ['deliveryId']));
    if (!found) throw new NotFoundException({ title: `no delivery ${deliveryId} in the history` });
    return found;
  }
}
