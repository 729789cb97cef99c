import { Inject, Injectable } from '@nestjs/common';
import { campaignRulesHold, capsAllow, dailyCapAllows, type Campaign } from '@cuewire/campaigns';
import { APP_CONFIG } from '@cuewire/platform';
import type { CampaignEvaluatorEnv } from '../campaign-evaluator.env.js';
import { CustomerHistoryRepository } from './customer-history.repository.js';

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
    const { history, alreadyAdmitted } = await this.history.load(customerId, triggerId);
    if (alreadyAdmitted) return true;
    const all = [...history.received.values()].flat();
    const admitted =
      capsAllow(campaign.caps, history.received.get(campaign.id) ?? [], now) &&
      dailyCapAllows(this.config.EVALUATOR_DAILY_CAP_PER_CUSTOMER, all, now) &&
      campaignRulesHold(campaign.filters?.campaigns, history, now);
    if (admitted) await this.history.recordFired(customerId, campaign.id, triggerId, now);
    return admitted;
  }
}
