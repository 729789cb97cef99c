import { BadRequestException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { APP_CONFIG, parseJsonBody, type FieldError } from '@cuewire/platform';
import type { IngestEnv } from '../ingest.env.js';
import { approximateEventBytes, buildCustomerEvent, oversizedEvent, type BuiltEvent } from '../events/customer-event.factory.js';
import { EventPublisher } from '../events/event.publisher.js';
import { readLines } from './ndjson-lines.reader.js';

export interface BulkLineError extends FieldError {
  readonly line: number;
}

export interface BulkResult {
  /** Lines read, blank ones included. */
  readonly lines: number;
  readonly accepted: number;
  /** Lines whose client eventId was already ingested: acknowledged, not produced again. */
  readonly duplicates: number;
  readonly rejected: number;
  /** The first MAX_REPORTED_ERRORS problems, each with its line and JSON path. */
  readonly errors: BulkLineError[];
  readonly errorsTruncated: boolean;
}

const MAX_REPORTED_ERRORS = 1_000;
const CHUNK_BYTES = 1_048_576;

/**
 * POST /v1/events/bulk: NDJSON read line by line (never the whole body), each line validated
 * on its own. A bad line is reported and skipped — a line is never half-applied, and good
 * lines around it still go in. Valid events are produced in chunks; the next chunk is sent
 * only after the previous one is acknowledged (so at most two are in memory), and the
 * answer (202) comes after the last ack. If Kafka fails mid-way the answer is a 503 that says
 * up to which line everything was acknowledged, so the client resends only the rest.
 */
@Injectable()
export class IngestBulkUseCase {
  constructor(
    private readonly publisher: EventPublisher,
    @Inject(APP_CONFIG) private readonly config: IngestEnv,
  ) {}

  async execute(body: AsyncIterable<Buffer>, now = Date.now()): Promise<BulkResult> {
    const options = { now, maxFutureMs: this.config.INGEST_MAX_FUTURE_SECONDS * 1000, source: 'api' as const };
    const totals = { lines: 0, accepted: 0, duplicates: 0, rejected: 0, ackedThroughLine: 0 };
    const errors: BulkLineError[] = [];
    const reject = (problems: BulkLineError[]) => {
      totals.rejected++;
      errors.push(...problems.slice(0, Math.max(0, MAX_REPORTED_ERRORS - errors.length)));
    };
    let chunk: BuiltEvent[] = [];
    let chunkBytes = 0;
    let inflight: Promise<void> | undefined;

    const flush = async (lastLine: number) => {
      await inflight;
      const events = chunk;
      [chunk, chunkBytes] = [[], 0];
      inflight = this.publisher.publish(events, 'wait').then((outcome) => {
        totals.accepted += outcome.accepted;
        totals.duplicates += outcome.duplicate.filter(Boolean).length;
        totals.ackedThroughLine = lastLine;
      });
      // Awaited at the next flush; until then a rejection must not count as unhandled.
      inflight.catch(() => undefined);
    };

    try {
      for await (const line of readLines(body, this.config.INGEST_MAX_LINE_BYTES)) {
        totals.lines = line.number;
        if (line.text === undefined) {
          reject([{ line: line.number, path: '$', message: `line is longer than ${this.config.INGEST_MAX_LINE_BYTES} bytes` }]);
          continue;
        }
        if (line.text.trim() === '') continue;
        const [jsonError, input] = parseJsonBody(line.text);
        if (jsonError) {
          reject([{ line: line.number, path: '$', message: jsonError.message.replace('at line 1, column', 'at column') }]);
          continue;
        }
        const built = buildCustomerEvent(input, options);
        if (Array.isArray(built)) {
          reject(built.map((e) => ({ line: line.number, ...e })));
          continue;
        }
        const oversized = oversizedEvent(built.event, this.config.INGEST_MAX_EVENT_BYTES);
        if (oversized) {
          reject([{ line: line.number, ...oversized }]);
          continue;
        }
        chunk.push(built);
        chunkBytes += approximateEventBytes(built.event);
        if (chunk.length >= this.config.INGEST_BULK_CHUNK_EVENTS || chunkBytes >= CHUNK_BYTES) await flush(line.number);
      }
      await flush(totals.lines);
      await inflight;
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        throw new ServiceUnavailableException({
          title: 'Kafka did not acknowledge every chunk; resend the lines after acceptedThroughLine',
          accepted: totals.accepted,
          acceptedThroughLine: totals.ackedThroughLine,
        });
      }
      throw error;
    }

    const { lines, accepted, duplicates, rejected } = totals;
    const result: BulkResult = { lines, accepted, duplicates, rejected, errors, errorsTruncated: rejected > 0 && errors.length >= MAX_REPORTED_ERRORS };
    if (totals.accepted + totals.duplicates === 0) {
      throw new BadRequestException({ title: totals.rejected === 0 ? 'The body holds no events' : 'No line holds a valid event', ...result });
    }
    return result;
  }
}
