import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiJsonBody, ApiJsonResponse, ApiProblems, parseRequest, RequiresScope } from '@cuewire/platform';
import { engagementRecordedSchema } from '../feedback.openapi.js';
import { engagementInputSchema } from './engagement.js';
import { RecordEngagementsUseCase } from './record-engagements.usecase.js';

@ApiTags('feedback')
@RequiresScope('ingest')
@Controller('v1/feedback')
export class EngagementsController {
  constructor(private readonly recordEngagements: RecordEngagementsUseCase) {}

  /**
   * A normalized engagement (open, click, bounce, delivery receipt); 202 once Kafka has it.
   * With a deliveryId it is deduplicated: a repeat returns the same eventId with `duplicate: true`.
   */
  @Post('engagements')
  @HttpCode(202)
  @ApiJsonBody(engagementInputSchema, { name: 'Engagement', examples: [{ customerId: 'c-42', type: 'email_click', deliveryId: 'msg_…', campaignId: 'welcome', url: 'https://shop.example/p/1' }] })
  @ApiJsonResponse(202, engagementRecordedSchema, 'Published to the customer-events topic')
  @ApiProblems({ 400: 'Each invalid field with its JSON path' })
  async record(@Body() body: unknown): Promise<{ eventId: string; duplicate: boolean }> {
    const input = parseRequest(engagementInputSchema, body);
    const result = await this.recordEngagements.execute([{ ...input, provider: 'api' }]);
    return { eventId: result.eventIds[0], duplicate: result.duplicates > 0 };
  }
}
