import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiTags } from '@nestjs/swagger';
import { AcceptEventsUseCase, type AcceptedEvents } from './accept-events.usecase.js';

@ApiTags('ingest')
@Controller('v1/events')
export class EventsController {
  constructor(private readonly acceptEvents: AcceptEventsUseCase) {}

  /** 202 means every event is acknowledged by Kafka (acks=all). */
  @Post()
  @HttpCode(202)
  @ApiBody({
    description: 'One event or an array of events',
    schema: {
      example: { customerId: 'c-42', type: 'purchase', properties: { total: 129.5, currency: 'EUR', items: [{ sku: 'PLATE-6', qty: 1 }] } },
    },
  })
  @ApiAcceptedResponse({ description: 'Accepted: durably written to the events topic' })
  @ApiBadRequestResponse({ description: 'Malformed JSON or invalid fields, each with its JSON path' })
  accept(@Body() body: unknown): Promise<AcceptedEvents> {
    return this.acceptEvents.execute(body);
  }
}
