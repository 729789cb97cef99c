import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { customerQualifies, isActive, notFollowedByOnTimer, type NotFollowedByState } from '@cuewire/campaigns';
import { parseJsonObject } from '@cuewire/contracts';
import { TypedProducer } from '@cuewire/kafka';
import { APP_CONFIG } from '@cuewire/platform';
import { RedisConnection, RedisKeys } from '@cuewire/redis';
import type { CampaignEvaluatorEnv } from '../campaign-evaluator.env.js';
import { CampaignCatalog } from '../catalog/campaign.catalog.js';
import { CLOCK, type Clock } from '../clock.js';
import { singleFlightInterval } from '../polling/single-flight-interval.js';
import { notFollowedBySpec } from '../sequences/sequence.evaluator.js';
import { SequenceStateRepository } from '../sequences/sequence-state.repository.js';
import { TriggerEmitter } from '../triggers/trigger.emitter.js';
import { DueTimersRepository } from './due-timers.repository.js';

/**
 * Fires durable timers that came due ("A not followed by B within T"). Any replica may claim
 * any timer (with a lease); the trigger is written and acknowledged before the wait is
 * cleared, so a crash replays the firing (same trigger id) rather than losing it.
 */
@Injectable()
export class TimerPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TimerPoller');
  private poller?: { stop(): Promise<void> };

  constructor(
    private readonly timers: DueTimersRepository,
    private readonly states: SequenceStateRepository,
    private readonly catalog: CampaignCatalog,
    private readonly producer: TypedProducer,
    private readonly emitter: TriggerEmitter,
    private readonly redis: RedisConnection,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: CampaignEvaluatorEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.poller = singleFlightInterval(() => this.pollOnce(), this.config.EVALUATOR_TIMER_POLL_MS, (err) => this.logger.error({ err }, 'timer poll failed'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.poller?.stop();
  }

  /** Claims and fires what is due now; returns how many timers it handled. */
  async pollOnce(): Promise<number> {
    const now = this.clock();
    const due = await this.timers.claimDue(now, 200, this.config.EVALUATOR_TIMER_LEASE_MS);
    for (const timerId of due) await this.fire(timerId, now);
    return due.length;
  }

  private async fire(timerId: string, now: number): Promise<void> {
    const [campaignId, customerId] = timerId.split('\u0000');
    const campaign = this.catalog.get(campaignId);
    const record = await this.states.read<NotFollowedByState>(customerId, campaignId);
    if (campaign && record?.trigger.type === 'not-followed-by') {
      // The wait follows the trigger the customer started under, even if the campaign changed since.
      const spec = notFollowedBySpec(campaignId, customerId, record.trigger);
      const t = notFollowedByOnTimer(spec, record.state, timerId, now);
      const profile = (await this.redis.client.get(RedisKeys.profile(customerId))) ?? '{}';
      const qualifies = isActive(campaign, now) && customerQualifies(campaign, { profile: parseJsonObject(profile, 'profile'), segments: [] });
      if (t.fired.length > 0 && qualifies) {
        const asStarted = { ...campaign, version: record.campaignVersion };
        const triggers = await Promise.all(t.fired.map((ids) => this.emitter.forEvents(asStarted, customerId, ids.map((id) => record.events[id]).filter(Boolean), profile, now)));
        await this.producer.send(triggers.flat());
      }
      await this.states.update<NotFollowedByState, void>(customerId, campaignId, (current) => {
        if (!current) return { next: null, result: undefined };
        const after = notFollowedByOnTimer(spec, current.state, timerId, now);
        return { next: after.state.pending.length > 0 ? { ...current, state: after.state } : null, result: undefined };
      });
    }
    await this.timers.complete(timerId);
  }
}
