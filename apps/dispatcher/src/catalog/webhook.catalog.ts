import { Injectable, Logger } from '@nestjs/common';
import { ConfigViews, ParsedConfigCatalog } from '@cuewire/kafka-nest';
import { webhookDefinitionSchema, type Webhook } from '@cuewire/templating';

/** Webhook settings the dispatcher applies at send time: secrets, timeout, enabled. */
@Injectable()
export class WebhookCatalog extends ParsedConfigCatalog<Webhook> {
  constructor(config: ConfigViews) {
    super(
      config.webhooks,
      (record) => ({ ...webhookDefinitionSchema.parse(JSON.parse(record.body)), id: record.id, revision: record.revision }),
      new Logger('WebhookCatalog'),
    );
  }
}
