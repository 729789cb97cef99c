import { Inject, Injectable } from '@nestjs/common';
import { campaignRulesHold, capsAllow, dailyCapAllows, type Campaign } from '@cuewire/campaigns';
import { APP_CONFIG } from '@cuewire/platform';
import type { CampaignEvaluatorEnv } from '../campaign-evaluator.env.js';
import { CustomerHistoryRepository, type HistoryReads } from './customer-history.repository.js';

/**
 * The last check before a trigger is written: frequency caps, the install-wide daily cap, and
 * rules on other campaigns ("received X within D", "did not click X"). An admitted firing is
 * recorded; a replay of it (same trigger id) is admitted again without counting twice.
 */
@Injectable()
export class FiringGate {
  constructor(
    private readonly history: CustomerHistoryRepository,
    @Inject(APP_CONFIG) private readonly config: CampaignEvaluatorEnv,
  ) {}

  /** Decides and records in one go (a firing that is never held out). */
  async admit(campaign: Campaign, customerId: string, triggerId: string, now: number): Promise<boolean> {
    const { admitted, replay } = await this.decide(campaign, customerId, triggerId, now);
    if (admitted && !replay) await this.record(campaign, customerId, triggerId, now);
    return admitted;
  }

  /** Whether the firing may go out, and whether it is the replay of one already admitted (to be admitted again, not recorded twice). */
  async decide(campaign: Campaign, customerId: string, triggerId: string, now: number): Promise<{ admitted: boolean; replay: boolean }> {
    const firing = { campaignId: campaign.id, triggerId, mayBeHeldOut: campaign.controlGroup !== undefined };
    const { history, alreadyAdmitted } = await this.history.load(customerId, firing, this.readsFor(campaign));
    if (alreadyAdmitted) return { admitted: true, replay: true };
    const all = [...history.received.values()].flat();
    const own = [...(history.received.get(campaign.id) ?? []), ...(history.heldOut?.get(campaign.id) ?? [])];
    const admitted =
      capsAllow(campaign.caps, own, now) && dailyCapAllows(this.config.EVALUATOR_DAILY_CAP_PER_CUSTOMER, all, now) && campaignRulesHold(campaign.filters?.campaigns, history, now);
    return { admitted, replay: false };
  }

  /** Records an admitted firing; a control-group one as held out (the campaign's caps count it, "received" rules do not). */
  async record(campaign: Campaign, customerId: string, triggerId: string, now: number, heldOut = false): Promise<void> {
    await this.history.recordFired(customerId, campaign.id, triggerId, now, heldOut);
  }

  /**
   * Whether this campaign's decision reads the customer's history. One that does not cannot see
   * another campaign's firing, so the two may be decided at the same time.
   */
  readsHistory(campaign: Campaign): boolean {
    const reads = this.readsFor(campaign);
    return reads.received || reads.clicked;
  }

  /** Only what the checks above look at: most campaigns have no caps or rules and read neither list. */
  private readsFor(campaign: Campaign): HistoryReads {
    const rules = campaign.filters?.campaigns ?? [];
    const caps = campaign.caps;
    return {
      received: Boolean(caps?.oncePerCustomer || caps?.perCustomer) || this.config.EVALUATOR_DAILY_CAP_PER_CUSTOMER !== undefined || rules.some((r) => r.rule === 'received' || r.rule === 'not_received'),
      clicked: rules.some((r) => r.rule === 'clicked' || r.rule === 'not_clicked'),
    };
  }
}
