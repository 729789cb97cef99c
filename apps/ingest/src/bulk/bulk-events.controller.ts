import { Body, Controller, HttpCode, Post, UnsupportedMediaTypeException, UseFilters } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConsumes, ApiTags, ApiTooManyRequestsResponse, ApiUnsupportedMediaTypeResponse } from '@nestjs/swagger';
import { ApiJsonResponse, RequiresScope } from '@cuewire/platform';
import { bulkResultSchema } from '../ingest.openapi.js';
import { IngestBusyFilter } from '../backpressure/ingest-busy.filter.js';
import { IngestBulkUseCase, type BulkResult } from './ingest-bulk.usecase.js';
import { NDJSON } from './ndjson-body.parser.js';

@ApiTags('ingest')
@RequiresScope('ingest')
@Controller('v1/events/bulk')
@UseFilters(IngestBusyFilter)
export class BulkEventsController {
  constructor(private readonly ingestBulk: IngestBulkUseCase) {}

  /** 202 means every accepted line is acknowledged by Kafka; bad lines are listed, not applied. */
  @Post()
  @HttpCode(202)
  @ApiConsumes(NDJSON)
  @ApiBody({ description: 'One event (as for POST /v1/events) per line', schema: { type: 'string', example: '{"customerId":"c-1","type":"purchase"}\n{"customerId":"c-2","type":"cart_add"}\n' } })
  @ApiJsonResponse(202, bulkResultSchema, 'Every accepted line is acknowledged by Kafka; rejected lines are listed with their line and JSON path')
  @ApiUnsupportedMediaTypeResponse({ description: 'Not sent as application/x-ndjson' })
  @ApiBadRequestResponse({ description: 'No line held a valid event' })
  @ApiTooManyRequestsResponse({ description: 'Ingest is saturated; see Retry-After' })
  accept(@Body() body: unknown): Promise<BulkResult> {
    if (!body || typeof (body as AsyncIterable<Buffer>)[Symbol.asyncIterator] !== 'function') {
      throw new UnsupportedMediaTypeException(`send the events as ${NDJSON}, one JSON object per line`);
    }
    return this.ingestBulk.execute(body as AsyncIterable<Buffer>);
  }
}
