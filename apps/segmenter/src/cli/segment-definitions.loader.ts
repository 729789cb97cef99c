import type { Segment } from '@cuewire/campaigns';
import { Topics, type ConfigRecord } from '@cuewire/contracts';
import { CompactedTopicView, type AvroSerde, type ConsumeLoopLogger, type KafkaSettings } from '@cuewire/kafka';
import { parseSegmentRecord } from '../segments/segment.catalog.js';

/** The current segment definitions, read once from their compacted config topic (the control plane's source of truth). */
export async function loadSegmentDefinitions(settings: KafkaSettings, serde: AvroSerde, logger: ConsumeLoopLogger): Promise<Segment[]> {
  const view = new CompactedTopicView<ConfigRecord>(Topics.segmentConfig, settings, serde, logger);
  try {
    await view.start();
    await view.ready;
    return view.values().flatMap((record) => {
      try {
        return [parseSegmentRecord(record)];
      } catch (error) {
        logger.warn({ segmentId: record.id, reason: (error as Error).message }, 'invalid segment definition ignored');
        return [];
      }
    });
  } finally {
    await view.stop();
  }
}
