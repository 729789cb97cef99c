import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiTags } from '@nestjs/swagger';
import { RecordEngagementUseCase } from './record-engagement.usecase.js';

@ApiTags('feedback')
@Controller('v1/feedback')
export class EngagementsController {
  constructor(private readonly recordEngagement: RecordEngagementUseCase) {}

  /** A normalized engagement (open, click, bounce, delivery receipt); 202 once Kafka has it. */
  @Post('engagements')
  @HttpCode(202)
  @ApiBody({ schema: { example: { customerId: 'c-42', type: 'email_click', deliveryId: 'msg_…', campaignId: 'welcome' } } })
  @ApiAcceptedResponse({ description: 'Published to the customer-events topic' })
  record(@Body() body: unknown) {
    return this.recordEngagement.execute(body);
  }
}
