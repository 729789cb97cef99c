import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigViews, ParsedConfigCatalog } from '@cuewire/kafka-nest';
import { APP_CONFIG } from '@cuewire/platform';
import { CompiledWebhook, createTemplateEngine, storedWebhookSchema, templateLimitsFrom } from '@cuewire/templating';
import type { RendererEnv } from '../renderer.env.js';

/** Webhooks with their templates compiled once per revision. The renderer never sees secrets (they stay sealed, unread). */
@Injectable()
export class CompiledWebhookCatalog extends ParsedConfigCatalog<CompiledWebhook> {
  constructor(config: ConfigViews, @Inject(APP_CONFIG) env: RendererEnv) {
    const engine = createTemplateEngine(templateLimitsFrom(env));
    super(
      config.webhooks,
      (record) => new CompiledWebhook(engine, { ...storedWebhookSchema.parse(JSON.parse(record.body)), id: record.id, revision: record.revision }),
      new Logger('CompiledWebhookCatalog'),
    );
  }
}
