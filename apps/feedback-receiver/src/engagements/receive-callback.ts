import { Logger } from '@nestjs/common';
import { feedbackMetrics } from '../http/feedback.metrics.js';
import { assertValid, type SignatureCheck } from '../http/signature-check.js';
import type { MappedCallback } from './engagement.js';
import type { RecordEngagementsUseCase } from './record-engagements.usecase.js';

export interface CallbackOutcome {
  readonly accepted: number;
  readonly duplicates: number;
  readonly ignored: number;
}

const logger = new Logger('Feedback');

/**
 * The shape every provider callback shares: authenticate (401, nothing published) → map
 * (400 naming the field) → publish and await Kafka's ack → answer.
 */
export async function receiveCallback(provider: string, check: SignatureCheck, map: () => MappedCallback, record: RecordEngagementsUseCase): Promise<CallbackOutcome> {
  if (!check.ok) {
    feedbackMetrics.callbacks.inc({ provider, outcome: 'rejected' });
    logger.warn({ provider, reason: check.reason, msg: 'callback rejected' });
  }
  assertValid(check);
  const { engagements, ignored } = map();
  const { accepted, duplicates } = await record.execute(engagements);
  feedbackMetrics.callbacks.inc({ provider, outcome: 'accepted' });
  feedbackMetrics.engagements.inc({ provider, outcome: 'published' }, accepted);
  feedbackMetrics.engagements.inc({ provider, outcome: 'duplicate' }, duplicates);
  feedbackMetrics.engagements.inc({ provider, outcome: 'ignored' }, ignored);
  return { accepted, duplicates, ignored };
}
