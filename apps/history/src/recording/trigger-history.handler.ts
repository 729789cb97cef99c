import { Injectable } from '@nestjs/common';
import { Topics, type CampaignTrigger } from '@cuewire/contracts';
import type { ConsumedRecord } from '@cuewire/kafka';
import { KafkaConsumer, type KafkaRecordHandler } from '@cuewire/kafka-nest';
import { HistoryRecordsRepository } from './history-records.repository.js';

/** Every campaign firing (the "triggered" figure); written before the offset is committed. */
@Injectable()
@KafkaConsumer({ group: 'history-triggers', topics: [Topics.campaignTriggers] })
export class TriggerHistoryHandler implements KafkaRecordHandler<CampaignTrigger> {
  constructor(private readonly records: HistoryRecordsRepository) {}

  async handle(record: ConsumedRecord<CampaignTrigger>): Promise<void> {
    if (record.value) await this.records.recordTrigger(record.value);
  }
}
