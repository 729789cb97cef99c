import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, parseRequest } from '@cuewire/platform';
import { engagementInputSchema, type Engagement, type MappedCallback } from '../engagements/engagement.js';
import { receiveCallback, type CallbackOutcome } from '../engagements/receive-callback.js';
import { RecordEngagementsUseCase } from '../engagements/record-engagements.usecase.js';
import type { FeedbackReceiverEnv } from '../feedback-receiver.env.js';
import { header, jsonBodyOf, type CallbackRequest } from '../http/callback-request.js';
import { verifyStandardWebhook } from './standard-webhook.verifier.js';

/**
 * A normalized engagement from any system that signs per Standard Webhooks. The
 * `webhook-id` header is the sender's unique message id, so it is the dedupe key: a
 * retried message (same id) is published once.
 */
@Injectable()
export class ReceiveStandardWebhookUseCase {
  constructor(
    private readonly record: RecordEngagementsUseCase,
    @Inject(APP_CONFIG) private readonly config: FeedbackReceiverEnv,
  ) {}

  execute(req: CallbackRequest, nowMs = Date.now()): Promise<CallbackOutcome> {
    const id = header(req, 'webhook-id');
    const check = verifyStandardWebhook(
      { rawBody: req.rawBody, id, timestamp: header(req, 'webhook-timestamp'), signature: header(req, 'webhook-signature') },
      this.config.FEEDBACK_STANDARD_WEBHOOKS_SECRETS,
      Math.floor(nowMs / 1000),
      this.config.FEEDBACK_SIGNATURE_TOLERANCE_SECONDS,
    );
    return receiveCallback('standard-webhooks', check, () => this.map(jsonBodyOf(req), id!), this.record);
  }

  private map(body: unknown, messageId: string): MappedCallback {
    const e = parseRequest(engagementInputSchema, body);
    const engagement: Engagement = { ...e, provider: 'standard-webhooks', providerEventId: messageId };
    return { engagements: [engagement], ignored: 0 };
  }
}
