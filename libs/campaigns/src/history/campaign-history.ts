import { parseDuration } from '../duration.js';

/** What a customer got and did, per campaign: fire times and click times (epoch ms). */
export interface CustomerHistory {
  readonly received: ReadonlyMap<string, readonly number[]>;
  readonly clicked: ReadonlyMap<string, readonly number[]>;
  /**
   * Firings that put the customer in a campaign's control group: sent nothing, so not
   * "received" for rules and the daily cap, but counted by the campaign's own caps (the group
   * is held out exactly as long as the others are capped).
   */
  readonly heldOut?: ReadonlyMap<string, readonly number[]>;
}

export interface CampaignRule {
  readonly rule: 'received' | 'not_received' | 'clicked' | 'not_clicked';
  readonly campaignId: string;
  readonly within?: string;
}

/** Pure: "received campaign X [within D]", "did not click X", … all hold at `now`? */
export function campaignRulesHold(rules: readonly CampaignRule[] | undefined, history: CustomerHistory, now: number): boolean {
  return (rules ?? []).every((r) => {
    const since = r.within ? now - parseDuration(r.within)! : -Infinity;
    const times = (r.rule === 'received' || r.rule === 'not_received' ? history.received : history.clicked).get(r.campaignId) ?? [];
    const happened = times.some((t) => t >= since && t <= now);
    return r.rule === 'received' || r.rule === 'clicked' ? happened : !happened;
  });
}
