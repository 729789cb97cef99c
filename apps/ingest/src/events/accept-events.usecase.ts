import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Topics, type CustomerEvent } from '@cuewire/contracts';
import { recordOutput, TypedProducer } from '@cuewire/kafka';
import { APP_CONFIG, parseRequest, RequestValidationError } from '@cuewire/platform';
import type { IngestEnv } from '../ingest.env.js';
import { eventInputSchema } from './event-input.schema.js';

export interface AcceptedEvents {
  readonly accepted: number;
  readonly eventIds: string[];
}

/**
 * Validates one event or an array of them, as a whole (one bad event rejects the request,
 * nothing is half-written), and resolves once Kafka has acknowledged every one.
 */
@Injectable()
export class AcceptEventsUseCase {
  constructor(
    private readonly producer: TypedProducer,
    @Inject(APP_CONFIG) private readonly config: IngestEnv,
  ) {}

  async execute(body: unknown, now = Date.now()): Promise<AcceptedEvents> {
    const inputs = Array.isArray(body) ? body : [body];
    if (inputs.length === 0) throw new RequestValidationError([{ path: '$', message: 'must contain at least one event' }]);
    if (inputs.length > this.config.INGEST_MAX_BATCH) {
      throw new RequestValidationError([{ path: '$', message: `at most ${this.config.INGEST_MAX_BATCH} events per request` }]);
    }
    const events: CustomerEvent[] = inputs.map((input, i) => {
      const e = parseRequest(eventInputSchema, input, Array.isArray(body) ? [i] : []);
      return {
        eventId: e.eventId ?? randomUUID(),
        customerId: e.customerId,
        type: e.type,
        occurredAt: e.occurredAt === undefined ? now : typeof e.occurredAt === 'number' ? e.occurredAt : Date.parse(e.occurredAt),
        receivedAt: now,
        source: 'api',
        properties: JSON.stringify(e.properties),
      };
    });
    await this.producer.send(events.map((e) => recordOutput(Topics.customerEvents, e.customerId, e)));
    return { accepted: events.length, eventIds: events.map((e) => e.eventId) };
  }
}
