import { Body, Controller, HttpCode, Post, UnsupportedMediaTypeException, UseFilters } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiConsumes, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { RequiresScope } from '@cuewire/platform';
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
  @ApiAcceptedResponse({ description: '{ lines, accepted, duplicates, rejected, errors: [{ line, path, message }], errorsTruncated }' })
  @ApiBadRequestResponse({ description: 'No line held a valid event' })
  @ApiTooManyRequestsResponse({ description: 'Ingest is saturated; see Retry-After' })
  accept(@Body() body: unknown): Promise<BulkResult> {
    if (!body || typeof (body as AsyncIterable<Buffer>)[Symbol.asyncIterator] !== 'function') {
      throw new UnsupportedMediaTypeException(`send the events as ${NDJSON}, one JSON object per line`);
    }
    return this.ingestBulk.execute(body as AsyncIterable<Buffer>);
  }
}
