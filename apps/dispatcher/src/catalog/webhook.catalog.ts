import { Inject, Injectable, Logger } from '@nestjs/common';
import { loadSecretBox, openCredentials, type DeliveryCredentials, type SecretBox } from '@cuewire/delivery';
import { ConfigViews, ParsedConfigCatalog } from '@cuewire/kafka-nest';
import { APP_CONFIG } from '@cuewire/platform';
import { storedWebhookSchema, type Webhook } from '@cuewire/templating';
import type { DispatcherEnv } from '../dispatcher.env.js';

/**
 * Webhook settings the dispatcher applies at send time: credentials, timeout, enabled.
 * Secrets stay sealed in memory and are opened per send; the key comes from
 * CUEWIRE_SECRETS_KEY (start-up fails in production without it).
 */
@Injectable()
export class WebhookCatalog extends ParsedConfigCatalog<Webhook> {
  private readonly box: SecretBox;

  constructor(config: ConfigViews, @Inject(APP_CONFIG) env: DispatcherEnv & { NODE_ENV: string }) {
    super(
      config.webhooks,
      (record) => ({ ...storedWebhookSchema.parse(JSON.parse(record.body)), id: record.id, revision: record.revision }),
      new Logger('WebhookCatalog'),
    );
    this.box = loadSecretBox(env, (message) => new Logger('WebhookCatalog').warn(message));
  }

  /** Auth and the signing secrets valid now; throws (without the secret in the message) when a secret does not open. */
  credentials(webhook: Webhook, now = Date.now()): DeliveryCredentials {
    return openCredentials(webhook, this.box, now);
  }
}
