import { Injectable } from '@nestjs/common';
import { Topics, type DeliveryResult } from '@cuewire/contracts';
import type { ConsumedRecord } from '@cuewire/kafka';
import { KafkaConsumer, type KafkaRecordHandler } from '@cuewire/kafka-nest';
import { HistoryRecordsRepository } from './history-records.repository.js';

/** Every delivery outcome into the delivery history; the row is written before the offset is committed. */
@Injectable()
@KafkaConsumer({ group: 'history-deliveries', topics: [Topics.deliveryResults] })
export class DeliveryResultHandler implements KafkaRecordHandler<DeliveryResult> {
  constructor(private readonly records: HistoryRecordsRepository) {}

  async handle(record: ConsumedRecord<DeliveryResult>): Promise<void> {
    if (record.value) await this.records.recordAttempt(record.value);
  }
}
