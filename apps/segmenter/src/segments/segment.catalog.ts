import { Injectable, Logger } from '@nestjs/common';
import { segmentDefinitionSchema, type Segment } from '@cuewire/campaigns';
import type { ConfigRecord } from '@cuewire/contracts';
import { ConfigViews, ParsedConfigCatalog } from '@cuewire/kafka-nest';

/** A segment from its control-plane record (throws on a definition that does not validate). */
export function parseSegmentRecord(record: ConfigRecord): Segment {
  return { ...segmentDefinitionSchema.parse(JSON.parse(record.body)), id: record.id, revision: record.revision };
}

/** Segments, parsed once per revision from the control-plane view. */
@Injectable()
export class SegmentCatalog extends ParsedConfigCatalog<Segment> {
  constructor(readonly config: ConfigViews) {
    super(config.segments, parseSegmentRecord, new Logger('SegmentCatalog'));
  }
}
