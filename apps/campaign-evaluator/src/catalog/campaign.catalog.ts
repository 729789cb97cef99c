import { Injectable, Logger } from '@nestjs/common';
import { campaignDefinitionSchema, type Campaign } from '@cuewire/campaigns';
import { ConfigViews, ParsedConfigCatalog } from '@cuewire/kafka-nest';

/** Campaigns, parsed once per revision from the control-plane view. */
@Injectable()
export class CampaignCatalog extends ParsedConfigCatalog<Campaign> {
  constructor(config: ConfigViews) {
    super(
      config.campaigns,
      (record) => ({ ...campaignDefinitionSchema.parse(JSON.parse(record.body)), id: record.id, version: record.revision }),
      new Logger('CampaignCatalog'),
    );
  }
}
