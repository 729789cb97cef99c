import { Body, Controller, HttpCode, Post, UseFilters } from '@nestjs/common';
import { ApiBadRequestResponse, ApiPayloadTooLargeResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ApiJsonBody, ApiJsonResponse, RequiresScope } from '@cuewire/platform';
import { acceptedEventsSchema, eventsBody } from '../ingest.openapi.js';
import { IngestBusyFilter } from '../backpressure/ingest-busy.filter.js';
import { AcceptEventsUseCase, type AcceptedEvents } from './accept-events.usecase.js';

@ApiTags('ingest')
@RequiresScope('ingest')
@Controller('v1/events')
@UseFilters(IngestBusyFilter)
export class EventsController {
  constructor(private readonly acceptEvents: AcceptEventsUseCase) {}

  /** 202 means every event is acknowledged by Kafka (acks=all). */
  @Post()
  @HttpCode(202)
  @ApiJsonBody(eventsBody, {
    name: 'Events',
    description: 'One event or an array of events',
    examples: [{ customerId: 'c-42', type: 'purchase', eventId: 'order-1001', occurredAt: '2026-11-23T10:00:00Z', properties: { total: 129.5, currency: 'EUR', items: [{ sku: 'PLATE-6', qty: 1 }] } }],
  })
  @ApiJsonResponse(202, acceptedEventsSchema, 'Accepted: durably written to the events topic. `duplicates` lists client eventIds already ingested within the dedupe window (acknowledged, not written again)', 'AcceptedEvents')
  @ApiBadRequestResponse({ description: 'Malformed JSON (with where it breaks) or invalid fields, each with its JSON path' })
  @ApiPayloadTooLargeResponse({ description: 'Body over HTTP_BODY_LIMIT_BYTES; use /v1/events/bulk for large volumes' })
  @ApiTooManyRequestsResponse({ description: 'Ingest is saturated (too many bytes waiting for Kafka); see Retry-After' })
  accept(@Body() body: unknown): Promise<AcceptedEvents> {
    return this.acceptEvents.execute(body);
  }
}
