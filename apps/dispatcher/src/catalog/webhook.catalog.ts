import { Inject, Injectable, Logger } from '@nestjs/common';
import { loadSecretBox, openCredentials, type DeliveryCredentials, type SecretBox } from '@cuewire/delivery';
import { ConfigViews, ParsedConfigCatalog } from '@cuewire/kafka-nest';
import { APP_CONFIG } from '@cuewire/platform';
import { storedWebhookSchema, type Webhook } from '@cuewire/templating';
import type { DispatcherEnv } from '../dispatcher.env.js';

/** How long opened credentials are reused before they are opened again. */
const OPENED_TTL_MS = 60_000;

/**
 * Webhook settings the dispatcher applies at send time: credentials, timeout, enabled.
 * Secrets stay sealed in the catalog; opened ones are reused for at most a minute per webhook
 * revision (never past a signing secret's expiry), because opening them (AES-GCM) on every send
 * cost a tenth of the dispatcher's CPU. The key comes from CUEWIRE_SECRETS_KEY (start-up fails
 * in production without it).
 */
@Injectable()
export class WebhookCatalog extends ParsedConfigCatalog<Webhook> {
  private readonly box: SecretBox;
  private readonly opened = new Map<string, { revision: number; credentials: DeliveryCredentials; validUntil: number }>();

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
    const hit = this.opened.get(webhook.id);
    if (hit && hit.revision === webhook.revision && now < hit.validUntil) return hit.credentials;
    for (const [id, entry] of this.opened) if (now >= entry.validUntil) this.opened.delete(id);
    const credentials = openCredentials(webhook, this.box, now);
    const expiries = (webhook.signing?.secrets ?? []).map((s) => s.expiresAt).filter((at): at is number => at !== null && at > now);
    this.opened.set(webhook.id, { revision: webhook.revision, credentials, validUntil: Math.min(now + OPENED_TTL_MS, ...expiries) });
    return credentials;
  }
}
