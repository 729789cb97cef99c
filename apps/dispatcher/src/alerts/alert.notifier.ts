import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type { DeliveryAttempt } from '@cuewire/contracts';
import { APP_CONFIG } from '@cuewire/platform';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import type { Webhook } from '@cuewire/templating';
import type { DispatcherEnv } from '../dispatcher.env.js';
import type { HealthChange } from '../endpoints/endpoint-health.repository.js';
import { WebhookHttp } from '../deliveries/webhook-http.provider.js';

/**
 * Tells people when an endpoint starts failing or is disabled (Smartech's failure alert): an
 * e-mail over SMTP and/or a POST to an alert webhook, at most once per endpoint per
 * DISPATCH_ALERT_PERIOD_SECONDS across replicas (a Redis mark with that TTL).
 */
@Injectable()
export class AlertNotifier implements OnApplicationShutdown {
  private readonly logger = new Logger('AlertNotifier');
  private readonly mail?: Transporter;

  constructor(
    private readonly redis: RedisConnection,
    private readonly http: WebhookHttp,
    @Inject(APP_CONFIG) private readonly config: DispatcherEnv,
  ) {
    if (config.DISPATCH_ALERT_SMTP_URL && config.DISPATCH_ALERT_EMAIL_TO.length > 0) this.mail = createTransport(config.DISPATCH_ALERT_SMTP_URL);
  }

  async notify(webhook: Webhook, change: HealthChange, last: DeliveryAttempt): Promise<boolean> {
    if (!this.mail && !this.config.DISPATCH_ALERT_WEBHOOK_URL) return false;
    const first = await this.redis.client.set(RedisKeys.endpointAlerted(webhook.id), String(Date.now()), 'EX', this.config.DISPATCH_ALERT_PERIOD_SECONDS, 'NX');
    if (first !== 'OK') return false;
    const subject = change === 'disabled' ? `Cuewire webhook ${webhook.id} was disabled` : `Cuewire webhook ${webhook.id} is failing`;
    const text = [
      subject,
      `Webhook: ${webhook.id} (${webhook.name})`,
      `Last attempt: ${new Date(last.attemptedAt).toISOString()}, status ${last.statusCode ?? 'none'}, ${last.error ?? ''}`,
      change === 'disabled' ? 'Deliveries are parked until it is re-enabled (POST /v1/endpoints/<id>/enable).' : 'Deliveries are paused and retried; the endpoint is probed.',
    ].join('\n');
    const sends: Promise<unknown>[] = [];
    if (this.mail) sends.push(this.mail.sendMail({ from: this.config.DISPATCH_ALERT_EMAIL_FROM, to: this.config.DISPATCH_ALERT_EMAIL_TO, subject, text }));
    if (this.config.DISPATCH_ALERT_WEBHOOK_URL) {
      const body = JSON.stringify({ type: `webhook.${change}`, webhookId: webhook.id, name: webhook.name, at: Date.now(), lastAttempt: last });
      sends.push(this.http.send({ method: 'POST', url: this.config.DISPATCH_ALERT_WEBHOOK_URL, headers: { 'content-type': 'application/json' }, body, timeoutMs: 10_000 }));
    }
    const results = await Promise.allSettled(sends);
    for (const r of results) if (r.status === 'rejected') this.logger.warn({ msg: 'alert channel failed', webhookId: webhook.id, err: String(r.reason) });
    return true;
  }

  onApplicationShutdown(): void {
    this.mail?.close();
  }
}
