import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, LimitExceededError, RequestValidationError, type FieldError } from '@cuewire/platform';
import type { IngestEnv } from '../ingest.env.js';
import { buildCustomerEvent, oversizedEvent, type BuiltEvent } from './customer-event.factory.js';
import { EventPublisher } from './event.publisher.js';

export interface AcceptedEvents {
  /** Events produced by this request (duplicates excluded). */
  readonly accepted: number;
  /** Every event's id, in request order (duplicates included). */
  readonly eventIds: string[];
  /** Client eventIds already ingested within the dedupe window: acknowledged, not produced again. */
  readonly duplicates: string[];
}

/**
 * Validates one event or an array of them, as a whole (one bad event rejects the request,
 * nothing is half-written), and resolves once Kafka has acknowledged every one.
 */
@Injectable()
export class AcceptEventsUseCase {
  constructor(
    private readonly publisher: EventPublisher,
    @Inject(APP_CONFIG) private readonly config: IngestEnv,
  ) {}

  async execute(body: unknown, now = Date.now()): Promise<AcceptedEvents> {
    const inputs = Array.isArray(body) ? body : [body];
    if (inputs.length === 0) throw new RequestValidationError([{ path: '$', message: 'must contain at least one event' }]);
    if (inputs.length > this.config.INGEST_MAX_BATCH) {
      throw new RequestValidationError([{ path: '$', message: `at most ${this.config.INGEST_MAX_BATCH} events per request` }]);
    }
    const options = { now, maxFutureMs: this.config.INGEST_MAX_FUTURE_SECONDS * 1000, source: 'api' as const };
    const errors: FieldError[] = [];
    const built: BuiltEvent[] = [];
    inputs.forEach((input, i) => {
      const result = buildCustomerEvent(input, options, Array.isArray(body) ? [i] : []);
      if (Array.isArray(result)) errors.push(...result);
      else built.push(result);
    });
    if (errors.length > 0) throw new RequestValidationError(errors);
    const max = this.config.INGEST_MAX_EVENT_BYTES;
    const oversized = built.flatMap((b, i) => oversizedEvent(b.event, max, Array.isArray(body) ? [i] : []) ?? []);
    if (oversized.length > 0) throw new LimitExceededError('INGEST_MAX_EVENT_BYTES', max, oversized);
    const outcome = await this.publisher.publish(built, 'refuse');
    return {
      accepted: outcome.accepted,
      eventIds: built.map((b) => b.event.eventId),
      duplicates: built.filter((_, i) => outcome.duplicate[i]).map((b) => b.event.eventId),
    };
  }
}
