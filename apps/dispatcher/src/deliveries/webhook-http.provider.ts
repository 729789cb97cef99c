import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { egressProxyFrom, PrivateNetworkGuard, WebhookHttpClient } from '@cuewire/delivery';
import { APP_CONFIG } from '@cuewire/platform';
import type { DispatcherEnv } from '../dispatcher.env.js';

/** The process's outbound HTTP client, closed on shutdown. */
@Injectable()
export class WebhookHttp extends WebhookHttpClient implements OnApplicationShutdown {
  constructor(@Inject(APP_CONFIG) config: DispatcherEnv) {
    super({ guard: new PrivateNetworkGuard({ allow: config.DISPATCH_ALLOW_PRIVATE_CIDRS }), maxResponseBytes: config.DISPATCH_MAX_RESPONSE_BYTES, egress: egressProxyFrom(config) });
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
