import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, Public } from '@cuewire/platform';
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
@ApiOkResponse({ description: 'Published (Kafka acknowledged): { accepted, duplicates, ignored }' })
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
  @HttpCode(200)
  sendgridEvents(@Req() req: FastifyRequest): Promise<CallbackOutcome> {
    return this.sendgrid.execute(callbackRequestOf(req, this.config.FEEDBACK_PUBLIC_BASE_URL));
  }

  /** Twilio message StatusCallback, with cuewire_customer_id (and delivery/campaign ids) in the query. */
  @Post('twilio/status')
  @HttpCode(200)
  twilioStatus(@Req() req: FastifyRequest): Promise<CallbackOutcome> {
    return this.twilio.execute(callbackRequestOf(req, this.config.FEEDBACK_PUBLIC_BASE_URL));
  }

  /** One normalized engagement, signed per Standard Webhooks. */
  @Post('standard-webhooks')
  @HttpCode(200)
  standardWebhook(@Req() req: FastifyRequest): Promise<CallbackOutcome> {
    return this.standardWebhooks.execute(callbackRequestOf(req, this.config.FEEDBACK_PUBLIC_BASE_URL));
  }

  /** Smartech activity webhook: form field `data` holding JSON, Basic auth. */
  @Post('smartech')
  @HttpCode(200)
  smartechActivities(@Req() req: FastifyRequest): Promise<CallbackOutcome> {
    return this.smartech.execute(callbackRequestOf(req, this.config.FEEDBACK_PUBLIC_BASE_URL));
  }
}
