import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiJsonBody, ApiJsonQuery, ApiJsonResponse, ApiProblems, APP_CONFIG, openApiSchemaOf, Public } from '@cuewire/platform';
import { engagementInputSchema } from '../engagements/engagement.js';
import { callbackOutcomeSchema, sendgridEventsBody, smartechBody, twilioStatusBody, twilioStatusQuery } from '../feedback.openapi.js';
import type { CallbackOutcome } from '../engagements/receive-callback.js';
import type { FeedbackReceiverEnv } from '../feedback-receiver.env.js';
import { ReceiveSendgridEventsUseCase } from '../sendgrid/receive-sendgrid-events.usecase.js';
import { ReceiveSmartechActivitiesUseCase } from '../smartech/receive-smartech-activities.usecase.js';
import { ReceiveStandardWebhookUseCase } from '../standard-webhooks/receive-standard-webhook.usecase.js';
import { ReceiveTwilioStatusUseCase } from '../twilio/receive-twilio-status.usecase.js';
import { callbackRequestOf } from './callback-request.js';

/**
 * Where providers post their callbacks. 200 (Smartech accepts nothing else) only once Kafka
 * acknowledged every engagement; 401 bad signature, 400 malformed, 413 too large.
 */
@ApiTags('feedback')
@ApiProblems({ 400: 'Malformed callback (field and reason)', 413: 'Body too large' })
@ApiUnauthorizedResponse({ description: 'Missing, forged or stale signature; nothing published' })
// No API key: providers cannot send one; each callback is verified by its provider's signature or credentials.
@Public()
@Controller('v1/feedback')
export class ProviderCallbacksController {
  constructor(
    private readonly sendgrid: ReceiveSendgridEventsUseCase,
    private readonly twilio: ReceiveTwilioStatusUseCase,
    private readonly standardWebhooks: ReceiveStandardWebhookUseCase,
    private readonly smartech: ReceiveSmartechActivitiesUseCase,
    @Inject(APP_CONFIG) private readonly config: FeedbackReceiverEnv,
  ) {}

  /** SendGrid Event Webhook (signed): a JSON array of events. */
  @Post('sendgrid')
  @ApiJsonResponse(200, callbackOutcomeSchema, 'Published (Kafka acknowledged)', 'CallbackOutcome')
  @ApiJsonBody(sendgridEventsBody, { description: 'SendGrid Event Webhook events (signed: X-Twilio-Email-Event-Webhook-Signature / -Timestamp)' })
  @HttpCode(200)
  sendgridEvents(@Req() req: FastifyRequest): Promise<CallbackOutcome> {
    return this.sendgrid.execute(callbackRequestOf(req, this.config.FEEDBACK_PUBLIC_BASE_URL));
  }

  /** Twilio message StatusCallback, with cuewire_customer_id (and delivery/campaign ids) in the query. */
  @Post('twilio/status')
  @ApiJsonResponse(200, callbackOutcomeSchema, 'Published (Kafka acknowledged)', 'CallbackOutcome')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: openApiSchemaOf(twilioStatusBody, 'input'), description: 'Twilio status callback fields (signed: X-Twilio-Signature)' })
  @ApiJsonQuery(twilioStatusQuery)
  @HttpCode(200)
  twilioStatus(@Req() req: FastifyRequest): Promise<CallbackOutcome> {
    return this.twilio.execute(callbackRequestOf(req, this.config.FEEDBACK_PUBLIC_BASE_URL));
  }

  /** One normalized engagement, signed per Standard Webhooks. */
  @Post('standard-webhooks')
  @ApiJsonResponse(200, callbackOutcomeSchema, 'Published (Kafka acknowledged)', 'CallbackOutcome')
  @ApiJsonBody(engagementInputSchema, { name: 'Engagement', description: 'One engagement, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)' })
  @HttpCode(200)
  standardWebhook(@Req() req: FastifyRequest): Promise<CallbackOutcome> {
    return this.standardWebhooks.execute(callbackRequestOf(req, this.config.FEEDBACK_PUBLIC_BASE_URL));
  }

  /** Smartech activity webhook: form field `data` holding JSON, Basic auth. */
  @Post('smartech')
  @ApiJsonResponse(200, callbackOutcomeSchema, 'Published (Kafka acknowledged)', 'CallbackOutcome')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: openApiSchemaOf(smartechBody, 'input'), description: 'Smartech activity webhook (HTTP Basic auth)' })
  @HttpCode(200)
  smartechActivities(@Req() req: FastifyRequest): Promise<CallbackOutcome> {
    return this.smartech.execute(callbackRequestOf(req, this.config.FEEDBACK_PUBLIC_BASE_URL));
  }
}
