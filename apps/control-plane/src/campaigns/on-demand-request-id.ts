import { createHash, randomUUID } from 'node:crypto';
import { RequestValidationError } from '@cuewire/platform';

/** Visible ASCII (no spaces or controls), as keys are usually UUIDs, ULIDs or order numbers. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The id of an on-demand request. With an `Idempotency-Key` it is derived from the key and the
 * campaign, so a client that retries after a timeout writes the same on-demand events, whose
 * triggers (and so deliveries, `webhook-id`) are the same: receivers see one message. Without
 * one, every request is new.
 */
export function onDemandRequestId(campaignId: string, idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return randomUUID();
  if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw new RequestValidationError([{ path: 'header Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters (no spaces)' }]);
  }
  return `idem_${createHash('sha256').update(`${campaignId}\u0000${idempotencyKey}`).digest('hex').slice(0, 32)}`;
}
