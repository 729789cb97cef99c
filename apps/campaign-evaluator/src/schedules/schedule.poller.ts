import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { customerQualifies, isActive, nextRunAfter, type Campaign } from '@cuewire/campaigns';
import { TypedProducer } from '@cuewire/kafka';
import { APP_CONFIG, singleFlightInterval } from '@cuewire/platform';
import type { CampaignEvaluatorEnv } from '../campaign-evaluator.env.js';
import { CampaignCatalog } from '../catalog/campaign.catalog.js';
import { CLOCK, type Clock } from '../clock.js';
import { CustomerContextRepository } from '../customers/customer-context.repository.js';
import { TriggerEmitter } from '../firing/trigger.emitter.js';
import { ScheduleProgressRepository } from './schedule-progress.repository.js';

/**
 * Scheduled campaigns: when a slot (a one-off time or a cron occurrence in the campaign's time
 * zone) comes due, the audience segment is fanned out page by page, in member-id order, one
 * replica at a time (a lease), resuming after the last acknowledged page after a crash.
 */
@Injectable()
export class SchedulePoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SchedulePoller');
  private readonly holder = randomUUID();
  private poller?: { stop(): Promise<void> };
  private stopped = false;
  /** When each campaign's progress expiry was last renewed here. */
  private readonly kept = new Map<string, number>();

  constructor(
    private readonly catalog: CampaignCatalog,
    private readonly progress: ScheduleProgressRepository,
    private readonly customers: CustomerContextRepository,
    private readonly producer: TypedProducer,
    private readonly emitter: TriggerEmitter,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: CampaignEvaluatorEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.poller = singleFlightInterval(() => this.pollOnce(), this.config.EVALUATOR_SCHEDULE_POLL_MS, (err) => this.logger.error({ err }, 'schedule poll failed'));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.poller?.stop();
  }

  async pollOnce(): Promise<void> {
    for (const campaign of this.catalog.all()) {
      if (campaign.trigger.type !== 'schedule') continue;
      await this.keepProgress(campaign.id);
      if (campaign.audience && isActive(campaign, this.clock())) await this.run(campaign);
    }
  }

  /**
   * Renews the progress's expiry about once an hour while the campaign exists, live or paused:
   * a one-off schedule whose progress expired would fire again. A deleted campaign is no longer
   * renewed, so its progress goes after SCHEDULE_PROGRESS_KEEP_MS.
   */
  private async keepProgress(campaignId: string): Promise<void> {
    const now = Date.now();
    if (now - (this.kept.get(campaignId) ?? 0) < 3_600_000) return;
    await this.progress.keep(campaignId);
    this.kept.set(campaignId, now);
  }

  private async run(campaign: Campaign): Promise<void> {
    if (campaign.trigger.type !== 'schedule') return;
    const now = this.clock();
    await this.progress.initialize(campaign.id, campaign.trigger.at ? 0 : now);
    let state = await this.progress.get(campaign.id);
    const window = { start: campaign.window?.start ? Date.parse(campaign.window.start) : undefined, end: campaign.window?.end ? Date.parse(campaign.window.end) : undefined };
    const slot = state.slot ?? nextRunAfter(campaign.trigger, state.lastDone ?? now, window);
    if (slot === null || slot === undefined || slot > now) return;
    const { EVALUATOR_SCHEDULE_LEASE_MS: leaseMs, EVALUATOR_SCHEDULE_PAGE: page } = this.config;
    if (!(await this.progress.takeLease(campaign.id, this.holder, leaseMs))) return;
    if (state.slot === undefined) await this.progress.start(campaign.id, slot);
    state = await this.progress.get(campaign.id);
    let after = state.after;
    let fired = 0;
    for (;;) {
      if (this.stopped || !(await this.progress.takeLease(campaign.id, this.holder, leaseMs))) return;
      const members = await this.progress.members(campaign.audience!.segmentId, after, page);
      if (members.length === 0) break;
      const customers = await this.customers.load(members, Boolean(campaign.filters?.segments));
      const now = this.clock();
      const perMember = await Promise.all(
        members.map(async (customerId, i) => {
          const { profile, context } = customers[i];
          // The audience is the segment being fanned out, even if membership moved since the page was read.
          const segments = [...new Set([...context.segments, campaign.audience!.segmentId])];
          if (!customerQualifies(campaign, { ...context, segments })) return [];
          return this.emitter.forSlot(campaign, customerId, slot, profile, now);
        }),
      );
      const triggers = perMember.flat();
      await this.producer.send(triggers);
      after = members[members.length - 1];
      await this.progress.advance(campaign.id, after);
      fired += triggers.length;
    }
    await this.progress.finish(campaign.id, slot);
    this.logger.log(`campaign ${campaign.id}: slot ${new Date(slot).toISOString()} fanned out (${fired} triggers from this replica)`);
  }
}
