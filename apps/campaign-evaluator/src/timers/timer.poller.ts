import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { customerQualifies, isActive, notFollowedByKeepUntil, notFollowedByLive, notFollowedByOnTimer, timerIdFor, type NotFollowedByState } from '@cuewire/campaigns';
import { TypedProducer } from '@cuewire/kafka';
import { APP_CONFIG, singleFlightInterval } from '@cuewire/platform';
import { Gauge } from 'prom-client';
import type { CampaignEvaluatorEnv } from '../campaign-evaluator.env.js';
import { CampaignCatalog } from '../catalog/campaign.catalog.js';
import { CLOCK, type Clock } from '../clock.js';
import { CustomerContextRepository } from '../customers/customer-context.repository.js';
import { notFollowedBySpec } from '../sequences/sequence.evaluator.js';
import { SequenceStateRepository } from '../sequences/sequence-state.repository.js';
import { TriggerEmitter } from '../firing/trigger.emitter.js';
import { DueTimersRepository } from './due-timers.repository.js';
import { ProcessedEventsWatermark } from './processed-events.watermark.js';

const waitingForLag = new Gauge({
  name: 'cuewire_evaluator_timers_waiting_for_lag',
  help: 'Due timers held back at the last poll because the evaluator has not yet processed the customer\'s events up to the deadline',
});

/** A claimed timer and the deadline of its wait (none when it was cancelled or already fired); `fire` reads the wait again. */
interface ClaimedTimer {
  readonly timerId: string;
  readonly campaignId: string;
  readonly customerId: string;
  readonly dueAt?: number;
}

/**
 * Fires durable timers that came due ("A not followed by B within T"). Any replica may claim
 * any timer (with a lease). A due timer fires only once the evaluator has processed the
 * customer's events up to the deadline (the watermark); until then it stays due and is tried
 * again at the next poll. The trigger is written and acknowledged before the wait is cleared,
 * so a crash replays the firing (same trigger id) rather than losing it.
 */
@Injectable()
export class TimerPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TimerPoller');
  private poller?: { stop(): Promise<void> };
  private lastLagWarning = 0;

  constructor(
    private readonly timers: DueTimersRepository,
    private readonly states: SequenceStateRepository,
    private readonly catalog: CampaignCatalog,
    private readonly producer: TypedProducer,
    private readonly emitter: TriggerEmitter,
    private readonly customers: CustomerContextRepository,
    private readonly watermark: ProcessedEventsWatermark,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: CampaignEvaluatorEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.poller = singleFlightInterval(() => this.pollOnce(), this.config.EVALUATOR_TIMER_POLL_MS, (err) => this.logger.error({ err }, 'timer poll failed'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.poller?.stop();
  }

  /** Claims what is due now and fires what may fire; returns how many timers it claimed. */
  async pollOnce(): Promise<number> {
    const now = this.clock();
    const claimed = await Promise.all((await this.timers.claimDue(now, 200, this.config.EVALUATOR_TIMER_LEASE_MS)).map((id) => this.load(id)));
    const pending = claimed.filter((t) => t.dueAt !== undefined && this.catalog.get(t.campaignId));
    for (const t of claimed) if (!pending.includes(t)) await this.timers.complete(t.timerId);
    // Clock skew between replicas: a wait not yet due goes back to its own time.
    const notYet = pending.filter((t) => t.dueAt! > now);
    await this.timers.postpone(notYet.map((t) => ({ timerId: t.timerId, dueAt: t.dueAt! })));
    const due = pending.filter((t) => t.dueAt! <= now);
    const marks = await this.watermark.reached(due.map((t) => ({ customerId: t.customerId, at: t.dueAt! })));
    const lagging = due.filter((_, i) => !marks[i].reached);
    await this.timers.postpone(lagging.map((t) => ({ timerId: t.timerId, dueAt: now + this.config.EVALUATOR_TIMER_POLL_MS })));
    this.reportLag(lagging.length, new Set(marks.filter((m) => !m.reached).map((m) => m.partition)));
    for (const t of due.filter((_, i) => marks[i].reached)) await this.fire(t, now);
    return claimed.length;
  }

  private async load(timerId: string): Promise<ClaimedTimer> {
    const [campaignId, customerId] = timerId.split('\u0000');
    const record = await this.states.read<NotFollowedByState>(customerId, campaignId);
    const wait = record?.trigger.type === 'not-followed-by' ? record.state.pending.find((p) => timerIdFor(campaignId, customerId, p.eventId) === timerId) : undefined;
    return { timerId, campaignId, customerId, dueAt: wait?.dueAt };
  }

  private async fire({ timerId, campaignId, customerId }: ClaimedTimer, now: number): Promise<void> {
    const campaign = this.catalog.get(campaignId)!;
    // Read again, after the watermark: the wait as loaded may have been followed since (the
    // follow-up processed, and committed, between the load and the watermark check: a pipeline
    // behind by more than the wait processes the cart add and the purchase after the deadline).
    const record = await this.states.read<NotFollowedByState>(customerId, campaignId);
    if (!record || record.trigger.type !== 'not-followed-by') return this.timers.complete(timerId);
    // The wait follows the trigger the customer started under, even if the campaign changed since.
    const spec = notFollowedBySpec(campaignId, customerId, record.trigger);
    const t = notFollowedByOnTimer(spec, record.state, timerId, now);
    const [{ profile, context }] = await this.customers.load([customerId]);
    if (t.fired.length > 0 && isActive(campaign, now) && customerQualifies(campaign, context)) {
      const asStarted = { ...campaign, version: record.campaignVersion };
      const triggers = await Promise.all(t.fired.map((ids) => this.emitter.forEvents(asStarted, customerId, ids.map((id) => record.events[id]).filter(Boolean), profile, now)));
      await this.producer.send(triggers.flat());
    }
    await this.states.update<NotFollowedByState, void>(customerId, campaignId, (current) => {
      if (!current) return { next: null, result: undefined };
      const after = notFollowedByOnTimer(spec, current.state, timerId, now);
      return { next: notFollowedByLive(after.state, now) ? { ...current, state: after.state } : null, result: undefined, keepUntil: notFollowedByKeepUntil(after.state) };
    });
    await this.timers.complete(timerId);
  }

  private reportLag(timers: number, partitions: ReadonlySet<number>): void {
    waitingForLag.set(timers);
    if (timers === 0 || Date.now() - this.lastLagWarning < 30_000) return;
    this.lastLagWarning = Date.now();
    this.logger.warn({ timers, partitions: [...partitions].sort((a, b) => a - b) }, 'timers waiting for lagging partitions: their deadlines are past, but the customers\' events up to them are not processed yet');
  }
}
