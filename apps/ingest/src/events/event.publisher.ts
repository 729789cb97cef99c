import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { Topics } from '@cuewire/contracts';
import { RecordTooLargeError, recordOutput, TypedProducer, type OutgoingRecord } from '@cuewire/kafka';
import { LimitExceededError } from '@cuewire/platform';
import { InflightBytesAccountant } from '../backpressure/inflight-bytes.accountant.js';
import { IngestBusyError } from '../backpressure/ingest-busy.error.js';
import { RETRY_AFTER_SECONDS } from '../backpressure/ingest-admission.middleware.js';
import { EventDedupeRepository, type ClientEventRef } from '../dedupe/event-dedupe.repository.js';
import { approximateEventBytes, type BuiltEvent } from './customer-event.factory.js';

export interface PublishOutcome {
  /** Events produced and acknowledged now. */
  readonly accepted: number;
  /** Per input: true when it repeated a client eventId already produced (in the window or earlier in this batch). */
  readonly duplicate: readonly boolean[];
}

/**
 * The one produce path of ingest: dedupe client ids → reserve in-flight bytes (429 or wait
 * when full) → produce (group-committed with concurrent requests) and wait for acks=all →
 * release → remember the client ids.
 */
@Injectable()
export class EventPublisher {
  private readonly logger = new Logger('Ingest');

  constructor(
    // The producer group-commits concurrent requests itself (libs/kafka ProduceCoalescer).
    private readonly producer: TypedProducer,
    private readonly dedupe: EventDedupeRepository,
    private readonly accountant: InflightBytesAccountant,
  ) {}

  /** `whenFull`: 'refuse' answers 429 (single requests); 'wait' blocks (the streamed bulk path, whose reader pauses meanwhile). */
  async publish(built: readonly BuiltEvent[], whenFull: 'refuse' | 'wait'): Promise<PublishOutcome> {
    const duplicate = await this.findDuplicates(built);
    const fresh = built.filter((_, i) => !duplicate[i]);
    const records = fresh.map(({ event }) => recordOutput(Topics.customerEvents, event.customerId, event));
    await this.produceAccounted(records, fresh.reduce((sum, b) => sum + approximateEventBytes(b.event), 0), whenFull);
    const produced: ClientEventRef[] = fresh.filter((b) => b.clientEventId).map((b) => b.event);
    // The events are durable now; failing to remember their ids only weakens dedupe, so the client still gets its 202.
    await this.dedupe.mark(produced).catch((err: Error) => this.logger.warn({ err, count: produced.length }, 'could not record event ids for dedupe'));
    return { accepted: fresh.length, duplicate };
  }

  async produceAccounted(records: readonly OutgoingRecord[], bytes: number, whenFull: 'refuse' | 'wait'): Promise<void> {
    if (records.length === 0) return;
    if (whenFull === 'wait') await this.accountant.acquire(bytes);
    else if (!this.accountant.tryAcquire(bytes)) throw new IngestBusyError(RETRY_AFTER_SECONDS);
    try {
      await this.producer.send(records);
    } catch (error) {
      // Refused before it was shared with other requests' records: this request alone fails.
      if (error instanceof RecordTooLargeError) throw new LimitExceededError('KAFKA_MAX_MESSAGE_BYTES', error.maxBytes, [{ path: '$', message: error.message }]);
      this.logger.error({ err: error, records: records.length }, 'produce failed');
      throw new ServiceUnavailableException({ title: 'Kafka did not acknowledge the records; retry (client eventIds make the retry safe)' });
    } finally {
      this.accountant.release(bytes);
    }
  }

  private async findDuplicates(built: readonly BuiltEvent[]): Promise<boolean[]> {
    const duplicate = built.map(() => false);
    const firstSeen = new Set<string>();
    const toCheck: number[] = [];
    built.forEach((b, i) => {
      if (!b.clientEventId) return;
      const key = `${b.event.customerId}\u0000${b.event.eventId}`;
      if (firstSeen.has(key)) {
        duplicate[i] = true;
        return;
      }
      firstSeen.add(key);
      toCheck.push(i);
    });
    let seen: boolean[];
    try {
      seen = await this.dedupe.seen(toCheck.map((i) => built[i].event));
    } catch (error) {
      this.logger.error({ err: error }, 'dedupe lookup failed');
      throw new ServiceUnavailableException({ title: 'Cannot check event ids for duplicates (Redis unavailable); retry' });
    }
    toCheck.forEach((i, k) => (duplicate[i] = seen[k]));
    return duplicate;
  }
}
