import { Injectable, Logger } from '@nestjs/common';
import { segmentDefinitionSchema, type Segment } from '@cuewire/campaigns';
import { ConfigViews, ParsedConfigCatalog } from '@cuewire/kafka-nest';

/** Segments, parsed once per revision from the control-plane view. */
@Injectable()
export class SegmentCatalog extends ParsedConfigCatalog<Segment> {
  constructor(readonly config: ConfigViews) {
    super(
      config.segments,
      (record) => ({ ...segmentDefinitionSchema.parse(JSON.parse(record.body)), id: record.id, revision: record.revision }),
      new Logger('SegmentCatalog'),
    );
  }
}
