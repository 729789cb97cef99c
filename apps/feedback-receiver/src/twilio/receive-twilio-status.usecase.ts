import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@cuewire/platform';
import { receiveCallback, type CallbackOutcome } from '../engagements/receive-callback.js';
import { RecordEngagementsUseCase } from '../engagements/record-engagements.usecase.js';
import type { FeedbackReceiverEnv } from '../feedback-receiver.env.js';
import { formBodyOf, header, type CallbackRequest } from '../http/callback-request.js';
import { TWILIO_SIGNATURE_HEADER, verifyTwilioSignature } from './twilio-signature.verifier.js';
import { mapTwilioStatus } from './twilio-status.mapper.js';

/** Twilio message status callbacks (form-urlencoded, X-Twilio-Signature). */
@Injectable()
export class ReceiveTwilioStatusUseCase {
  constructor(
    private readonly record: RecordEngagementsUseCase,
    @Inject(APP_CONFIG) private readonly config: FeedbackReceiverEnv,
  ) {}

  execute(req: CallbackRequest): Promise<CallbackOutcome> {
    const form = formBodyOf(req);
    const check = verifyTwilioSignature({ fullUrl: req.fullUrl, params: [...form.entries()], signature: header(req, TWILIO_SIGNATURE_HEADER) }, this.config.FEEDBACK_TWILIO_AUTH_TOKENS);
    return receiveCallback('twilio', check, () => mapTwilioStatus(form, req.query), this.record);
  }
}
