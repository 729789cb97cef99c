import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigViews, ParsedConfigCatalog } from '@cuewire/kafka-nest';
import { APP_CONFIG } from '@cuewire/platform';
import { CompiledWebhook, createTemplateEngine, storedWebhookSchema, templateLimitsFrom, type TrackingEnv, type TrackingLinks } from '@cuewire/templating';
import type { RendererEnv } from '../renderer.env.js';

/** Webhooks with their templates compiled once per revision. The renderer never sees secrets (they stay sealed, unread). */
@Injectable()
export class CompiledWebhookCatalog extends ParsedConfigCatalog<CompiledWebhook> {
  constructor(config: ConfigViews, @Inject(APP_CONFIG) env: RendererEnv) {
    const engine = createTemplateEngine(templateLimitsFrom(env), trackingLinks(env));
    super(
      config.webhooks,
      (record) => new CompiledWebhook(engine, { ...storedWebhookSchema.parse(JSON.parse(record.body)), id: record.id, revision: record.revision }),
      new Logger('CompiledWebhookCatalog'),
    );
  }
}

/** Tracking links are signed with the first key, to the feedback receiver's public origin; without both, a template using them fails (RENDER_FAILED) rather than sending untracked links. */
function trackingLinks(env: TrackingEnv): TrackingLinks {
  const [key] = env.FEEDBACK_TRACKING_KEYS;
  if (!key || !env.FEEDBACK_PUBLIC_BASE_URL) return { unavailable: 'tracking links need FEEDBACK_TRACKING_KEYS and FEEDBACK_PUBLIC_BASE_URL on the renderer' };
  return { key, baseUrl: env.FEEDBACK_PUBLIC_BASE_URL };
}
