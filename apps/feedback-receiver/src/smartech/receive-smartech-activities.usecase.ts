import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@cuewire/platform';
import { receiveCallback, type CallbackOutcome } from '../engagements/receive-callback.js';
import { RecordEngagementsUseCase } from '../engagements/record-engagements.usecase.js';
import type { FeedbackReceiverEnv } from '../feedback-receiver.env.js';
import { formBodyOf, header, type CallbackRequest } from '../http/callback-request.js';
import { verifySmartechBasicAuth } from './smartech-basic-auth.verifier.js';
import { mapSmartechForm } from './smartech-payload.mapper.js';

/** Smartech activity webhooks (`data=<json>` form, Basic auth). Smartech accepts only HTTP 200. */
@Injectable()
export class ReceiveSmartechActivitiesUseCase {
  constructor(
    private readonly record: RecordEngagementsUseCase,
    @Inject(APP_CONFIG) private readonly config: FeedbackReceiverEnv,
  ) {}

  execute(req: CallbackRequest): Promise<CallbackOutcome> {
    const check = verifySmartechBasicAuth(header(req, 'authorization'), this.config.FEEDBACK_SMARTECH_USERNAME, this.config.FEEDBACK_SMARTECH_PASSWORD);
    return receiveCallback('smartech', check, () => mapSmartechForm(formBodyOf(req)), this.record);
  }
}
