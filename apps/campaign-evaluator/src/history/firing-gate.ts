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

  async admit(campaign: Campaign, customerId: string, triggerId: string, now: number): Promise<boolean> {
    const { history, alreadyAdmitted } = await this.history.load(customerId, { campaignId: campaign.id, triggerId }, this.readsFor(campaign));
    if (alreadyAdmitted) return true;
    const all = [...history.received.values()].flat();
    const admitted =
      capsAllow(campaign.caps, history.received.get(campaign.id) ?? [], now) &&
      dailyCapAllows(this.config.EVALUATOR_DAILY_CAP_PER_CUSTOMER, all, now) &&
      campaignRulesHold(campaign.filters?.campaigns, history, now);
    if (admitted) await this.history.recordFired(customerId, campaign.id, triggerId, now);
    return admitted;
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
