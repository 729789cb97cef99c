import type { KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@cuewire/platform';
import { receiveCallback, type CallbackOutcome } from '../engagements/receive-callback.js';
import { RecordEngagementsUseCase } from '../engagements/record-engagements.usecase.js';
import type { FeedbackReceiverEnv } from '../feedback-receiver.env.js';
import { header, jsonBodyOf, type CallbackRequest } from '../http/callback-request.js';
import { invalid } from '../http/signature-check.js';
import { mapSendgridEvents } from './sendgrid-events.mapper.js';
import { parseSendgridPublicKey, SENDGRID_SIGNATURE_HEADER, SENDGRID_TIMESTAMP_HEADER, verifySendgridSignature } from './sendgrid-signature.verifier.js';

/** SendGrid Event Webhook batches (signed), published once each. */
@Injectable()
export class ReceiveSendgridEventsUseCase {
  /** Parsed at start-up: a bad key fails the boot instead of every callback. */
  private readonly publicKey?: KeyObject;

  constructor(
    private readonly record: RecordEngagementsUseCase,
    @Inject(APP_CONFIG) private readonly config: FeedbackReceiverEnv,
  ) {
    if (config.FEEDBACK_SENDGRID_PUBLIC_KEY) this.publicKey = parseSendgridPublicKey(config.FEEDBACK_SENDGRID_PUBLIC_KEY);
  }

  execute(req: CallbackRequest, nowMs = Date.now()): Promise<CallbackOutcome> {
    const check = this.publicKey
      ? verifySendgridSignature(
          { rawBody: req.rawBody, signature: header(req, SENDGRID_SIGNATURE_HEADER), timestamp: header(req, SENDGRID_TIMESTAMP_HEADER) },
          this.publicKey,
          Math.floor(nowMs / 1000),
          this.config.FEEDBACK_SIGNATURE_TOLERANCE_SECONDS,
        )
      : invalid('SendGrid callbacks are not configured (no verification key)');
    return receiveCallback('sendgrid', check, () => mapSendgridEvents(jsonBodyOf(req)), this.record);
  }
}
