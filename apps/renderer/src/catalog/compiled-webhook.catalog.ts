import { Injectable, Logger } from '@nestjs/common';
import { ConfigViews, ParsedConfigCatalog } from '@cuewire/kafka-nest';
import { CompiledWebhook, createTemplateEngine, webhookDefinitionSchema } from '@cuewire/templating';

const engine = createTemplateEngine();

/** Webhooks with their templates compiled once per revision. */
@Injectable()
export class CompiledWebhookCatalog extends ParsedConfigCatalog<CompiledWebhook> {
  constructor(config: ConfigViews) {
    super(
      config.webhooks,
      (record) => new CompiledWebhook(engine, { ...webhookDefinitionSchema.parse(JSON.parse(record.body)), id: record.id, revision: record.revision }),
      new Logger('CompiledWebhookCatalog'),
    );
  }
}
