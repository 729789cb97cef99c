import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Topics } from '@cuewire/contracts';
import { recordOutput, type OutgoingRecord } from '@cuewire/kafka';
import { jsonPath, parseJsonBody, type FieldError } from '@cuewire/platform';
import { buildCustomerEvent } from '../events/customer-event.factory.js';
import { customerIdSchema, profileAttributesSchema } from '../profiles/upsert-profile.usecase.js';
import { csvRowToObject } from './csv-row.mapper.js';

export type ImportKind = 'events' | 'profiles';
export type ImportFormat = 'ndjson' | 'csv';

/** One profile per line: `{"customerId": "c-1", "attributes": {...}}` (null removes an attribute). */
const profileLineSchema = z.object({ customerId: customerIdSchema, attributes: profileAttributesSchema }).strict();
const EVENT_FIELDS = ['customerId', 'type', 'eventId', 'occurredAt'];

export interface MappedRecord {
  readonly record: OutgoingRecord;
  readonly bytes: number;
}

/**
 * Turns one input line into the record the HTTP API would have produced for it (same
 * validation, same JSON paths in errors). Events without an eventId get one derived from the
 * file and line, so a batch re-sent after a crash carries the same ids (downstream dedupes).
 */
export class ImportRecordMapper {
  private header?: string[];
  private readonly idPrefix: string;

  constructor(
    private readonly kind: ImportKind,
    private readonly format: ImportFormat,
    fileIdentity: string,
    private readonly maxFutureMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.idPrefix = `imp-${createHash('sha256').update(fileIdentity).digest('hex').slice(0, 16)}`;
  }

  /** The CSV header's column names. */
  setColumns(columns: readonly string[]): void {
    this.header = columns.map((c) => c.trim());
  }

  /** One NDJSON line. */
  map(text: string, lineNumber: number): MappedRecord | FieldError[] {
    const [error, parsed] = parseJsonBody(text);
    if (error) return [{ path: '$', message: error.message.replace('at line 1, column', 'at column') }];
    return this.mapInput(parsed, lineNumber);
  }

  /** One CSV row (its cells, as csv-parse read them) that starts on `lineNumber`. */
  mapRow(cells: readonly string[], lineNumber: number): MappedRecord | FieldError[] {
    let input: unknown;
    try {
      input = csvRowToObject(this.header!, cells, this.kind === 'events' ? EVENT_FIELDS : ['customerId'], this.kind === 'events' ? 'properties' : 'attributes');
    } catch (error) {
      return [{ path: '$', message: `CSV row ${(error as Error).message}` }];
    }
    return this.mapInput(input, lineNumber);
  }

  private mapInput(input: unknown, lineNumber: number): MappedRecord | FieldError[] {
    return this.kind === 'events' ? this.mapEvent(input, lineNumber) : this.mapProfile(input);
  }

  private mapEvent(input: unknown, lineNumber: number): MappedRecord | FieldError[] {
    const built = buildCustomerEvent(input, { now: this.now(), maxFutureMs: this.maxFutureMs, source: 'import', fallbackEventId: () => `${this.idPrefix}-${lineNumber}` });
    if (Array.isArray(built)) return built;
    const { event } = built;
    return { record: recordOutput(Topics.customerEvents, event.customerId, event), bytes: event.properties.length + 100 };
  }

  private mapProfile(input: unknown): MappedRecord | FieldError[] {
    const parsed = profileLineSchema.safeParse(input);
    if (!parsed.success) return parsed.error.issues.map((issue) => ({ path: jsonPath(issue.path), message: issue.message }));
    const { customerId, attributes } = parsed.data;
    const value = { customerId, attributes: JSON.stringify(attributes), updatedAt: this.now() };
    return { record: recordOutput(Topics.customerProfiles, customerId, value), bytes: value.attributes.length + 64 };
  }
}
