import { randomUUID } from 'node:crypto';
import type { CustomerEvent } from '@cuewire/contracts';
import { jsonPath, RequestValidationError, type FieldError } from '@cuewire/platform';
import { eventInputSchema } from './event-input.schema.js';

export interface EventBuildOptions {
  /** Receive time (ms). */
  readonly now: number;
  readonly maxFutureMs: number;
  readonly source: 'api' | 'import';
  /** Id used when the client sent none (the importer derives one from file and line, so a resumed import re-sends the same ids). */
  readonly fallbackEventId?: () => string;
}

export interface BuiltEvent {
  readonly event: CustomerEvent;
  /** The client gave the id: only then is it deduplicated (generated ids are unique anyway). */
  readonly clientEventId: boolean;
}

/**
 * One client event → the Avro CustomerEvent, or every problem with its JSON path. Event time
 * is kept beside the receive time; an event time absurdly far in the future is refused (a
 * seconds-vs-milliseconds mix-up, usually) rather than silently skewing time windows.
 */
export function buildCustomerEvent(input: unknown, options: EventBuildOptions, basePath: readonly PropertyKey[] = []): BuiltEvent | FieldError[] {
  const parsed = eventInputSchema.safeParse(input);
  if (!parsed.success) return parsed.error.issues.map((issue) => ({ path: jsonPath([...basePath, ...issue.path]), message: issue.message }));
  const e = parsed.data;
  const occurredAt = e.occurredAt === undefined ? options.now : typeof e.occurredAt === 'number' ? e.occurredAt : Date.parse(e.occurredAt);
  if (occurredAt - options.now > options.maxFutureMs) {
    return [{ path: jsonPath([...basePath, 'occurredAt']), message: `is more than ${options.maxFutureMs / 1000} s after the receive time (event times are milliseconds since the epoch or ISO 8601)` }];
  }
  return {
    event: {
      eventId: e.eventId ?? options.fallbackEventId?.() ?? randomUUID(),
      customerId: e.customerId,
      type: e.type,
      occurredAt,
      receivedAt: options.now,
      source: options.source,
      properties: JSON.stringify(e.properties),
    },
    clientEventId: e.eventId !== undefined,
  };
}

/** Like buildCustomerEvent, for callers that answer a bad input with a 400. */
export function buildCustomerEventOrThrow(input: unknown, options: EventBuildOptions, basePath: readonly PropertyKey[] = []): BuiltEvent {
  const built = buildCustomerEvent(input, options, basePath);
  if (Array.isArray(built)) throw new RequestValidationError(built);
  return built;
}

/** The event's size as Kafka sees it, near enough (the strings' UTF-8 bytes plus the fixed fields). */
export function eventBytes(e: CustomerEvent): number {
  return 48 + [e.eventId, e.customerId, e.type, e.source, e.properties].reduce((sum, text) => sum + Buffer.byteLength(text), 0);
}

/** The problem with an event over INGEST_MAX_EVENT_BYTES (its properties are what grows), or undefined. */
export function oversizedEvent(e: CustomerEvent, maxBytes: number, basePath: readonly PropertyKey[] = []): FieldError | undefined {
  const bytes = eventBytes(e);
  if (bytes <= maxBytes) return undefined;
  return { path: jsonPath([...basePath, 'properties']), message: `the event ${e.eventId} is ${bytes} bytes; at most ${maxBytes} (INGEST_MAX_EVENT_BYTES)` };
}

/** Roughly what the record costs the producer (JSON text ≈ Avro body); the accountant needs an order of magnitude, not exact bytes. */
export function approximateEventBytes(e: CustomerEvent): number {
  return 48 + e.eventId.length + 2 * e.customerId.length + e.type.length + e.source.length + e.properties.length;
}
