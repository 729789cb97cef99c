import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, RequestValidationError } from '@cuewire/platform';
import { verifyTrackingToken, type TrackingClaims } from '@cuewire/templating';
import type { Engagement } from '../engagements/engagement.js';
import { RecordEngagementsUseCase } from '../engagements/record-engagements.usecase.js';
import type { FeedbackReceiverEnv } from '../feedback-receiver.env.js';
import { feedbackMetrics } from '../http/feedback.metrics.js';

/**
 * Open pixel and click redirect. A person is waiting on the other end (an image in a mail
 * client, a browser tab), so each answers once Kafka acked the event or after
 * FEEDBACK_TRACKING_PUBLISH_TIMEOUT_MS, whichever comes first; the publish (and the mark
 * after it) carries on in the background. A click always reaches its destination.
 */
@Injectable()
export class TrackEngagementUseCase {
  private readonly logger = new Logger('Tracking');

  constructor(
    private readonly record: RecordEngagementsUseCase,
    @Inject(APP_CONFIG) private readonly config: FeedbackReceiverEnv,
  ) {}

  /** Records an open for a valid token; a forged or malformed one records nothing (the pixel still loads). */
  async open(token: string): Promise<void> {
    const claims = this.verified(token, 'open');
    if (claims) await this.publish(claims);
  }

  /** The destination of a valid click token, after recording the click; 400 otherwise (never an open redirect). */
  async click(token: string): Promise<string> {
    const claims = this.verified(token, 'click');
    if (!claims) throw new RequestValidationError([{ path: 'token', message: 'is not a valid click-tracking token: the link was altered or not issued by this Cuewire install' }]);
    await this.publish(claims);
    return claims.url!;
  }

  private verified(token: string, kind: TrackingClaims['kind']): TrackingClaims | undefined {
    const check = verifyTrackingToken(token, this.config.FEEDBACK_TRACKING_KEYS);
    if (check.ok && check.claims.kind === kind) return check.claims;
    feedbackMetrics.callbacks.inc({ provider: 'tracking', outcome: 'invalid_token' });
    this.logger.warn({ kind, reason: check.ok ? `${check.claims.kind} token used for ${kind}` : check.reason, msg: 'tracking token rejected' });
    return undefined;
  }

  private async publish(c: TrackingClaims): Promise<void> {
    const engagement: Engagement = {
      customerId: c.customerId,
      type: c.kind === 'open' ? 'email_open' : 'email_click',
      provider: 'tracking',
      deliveryId: c.deliveryId,
      campaignId: c.campaignId,
      url: c.url,
    };
    const recorded = this.record.execute([engagement]).then(
      (r) => {
        feedbackMetrics.engagements.inc({ provider: 'tracking', outcome: r.accepted > 0 ? 'published' : 'duplicate' });
      },
      (error: unknown) => this.logger.error({ err: error, deliveryId: c.deliveryId, msg: `tracking ${c.kind} not recorded` }),
    );
    await Promise.race([recorded, sleep(this.config.FEEDBACK_TRACKING_PUBLISH_TIMEOUT_MS)]);
  }
}
