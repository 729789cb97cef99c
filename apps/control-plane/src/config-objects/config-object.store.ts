import { Injectable, NotFoundException } from '@nestjs/common';
import type { ConfigRecord, TopicContract } from '@cuewire/contracts';
import type { CompactedTopicView } from '@cuewire/kafka';
import { recordOutput, TypedProducer } from '@cuewire/kafka';

export type ConfigKind = 'campaign' | 'webhook' | 'segment' | 'api-key';

/**
 * Writes control-plane objects to their compacted topic (the source of truth) and reads them
 * from this process's view. A write resolves once Kafka has acknowledged it; the view is
 * updated at once so the writer reads its own write.
 */
@Injectable()
export class ConfigObjectStore {
  constructor(private readonly producer: TypedProducer) {}

  get(view: CompactedTopicView<ConfigRecord>, kind: ConfigKind, id: string): ConfigRecord {
    const record = view.get(id);
    if (!record) throw new NotFoundException(`${kind} ${id} does not exist`);
    return record;
  }

  async put(topic: TopicContract<ConfigRecord>, view: CompactedTopicView<ConfigRecord>, kind: ConfigKind, id: string, body: object): Promise<ConfigRecord> {
    const record: ConfigRecord = { kind, id, revision: (view.get(id)?.revision ?? 0) + 1, updatedAt: Date.now(), body: JSON.stringify(body) };
    await this.producer.send([recordOutput(topic, id, record)]);
    view.apply(id, record);
    return record;
  }

  async delete(topic: TopicContract<ConfigRecord>, view: CompactedTopicView<ConfigRecord>, kind: ConfigKind, id: string): Promise<void> {
    this.get(view, kind, id);
    await this.producer.send([recordOutput(topic, id, null)]);
    view.apply(id, null);
  }
}
