import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { loadSecretBox, egressProxyFrom, PrivateNetworkGuard, WebhookHttpClient, type SecretBox } from '@cuewire/delivery';
import { APP_CONFIG } from '@cuewire/platform';
import { createTemplateEngine, templateLimitsFrom } from '@cuewire/templating';
import type { ControlPlaneEnv } from '../control-plane.env.js';

/**
 * What the control plane needs to act like the pipeline for one request: the template engine
 * (same limits as the renderer), the secrets key (same as the dispatcher's; start-up fails in
 * production without it), and an outbound client behind the same private-network guard.
 */
@Injectable()
export class WebhookOutbound implements OnApplicationShutdown {
  readonly engine: ReturnType<typeof createTemplateEngine>;
  readonly box: SecretBox;
  readonly http: WebhookHttpClient;

  constructor(@Inject(APP_CONFIG) config: ControlPlaneEnv) {
    this.engine = createTemplateEngine(templateLimitsFrom(config));
    this.box = loadSecretBox(config, (message) => new Logger('WebhookSecrets').warn(message));
    // Send test is one request at a time per user; a small pool is plenty.
    this.http = new WebhookHttpClient({ guard: new PrivateNetworkGuard({ allow: config.DISPATCH_ALLOW_PRIVATE_CIDRS }), maxResponseBytes: config.DISPATCH_MAX_RESPONSE_BYTES, connections: 4, egress: egressProxyFrom(config) });
  }

  onApplicationShutdown(): Promise<void> {
    return this.http.close();
  }
}
