import { Injectable } from '@nestjs/common';
import { parseJsonObject, Topics, type CustomerEvent } from '@cuewire/contracts';
import { PoisonRecordError, type ConsumedRecord } from '@cuewire/kafka';
import { KafkaConsumer, type KafkaRecordHandler } from '@cuewire/kafka-nest';
import { HistoryRecordsRepository, type EngagementRecord } from './history-records.repository.js';

/**
 * Customer events attributed to a campaign — the feedback receiver's engagements (email_open,
 * email_click, …) carry `campaignId` (and `deliveryId`) in their properties — into the
 * engagement history; every other event is skipped.
 */
@Injectable()
@KafkaConsumer({ group: 'history-engagements', topics: [Topics.customerEvents] })
export class EngagementEventHandler implements KafkaRecordHandler<CustomerEvent> {
  constructor(private readonly records: HistoryRecordsRepository) {}

  async handle(record: ConsumedRecord<CustomerEvent>): Promise<void> {
    const engagement = record.value && engagementOf(record.value);
    if (engagement) await this.records.recordEngagement(engagement);
  }
}

export function engagementOf(event: CustomerEvent): EngagementRecord | null {
  let properties;
  try {
    properties = parseJsonObject(event.properties, 'properties');
  } catch (error) {
    throw new PoisonRecordError(`event ${event.eventId}: ${(error as Error).message}`);
  }
  const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null);
  const campaignId = text(properties.campaignId);
  if (!campaignId) return null;
  return {
    eventId: event.eventId,
    customerId: event.customerId,
    type: event.type,
    campaignId,
    deliveryId: text(properties.deliveryId),
    url: text(properties.url),
    occurredAt: event.occurredAt,
  };
}
