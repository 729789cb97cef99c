import { triggerIdFor, variantFiring, type Campaign } from '@cuewire/campaigns';
import { Topics, type CampaignTrigger, type CustomerEvent } from '@cuewire/contracts';
import { recordOutput, type OutgoingRecord } from '@cuewire/kafka';

/**
 * The trigger record for a firing made of `events` (its id is deterministic, so replays dedupe).
 * `arm`: the firing's variant (or "control") when the campaign has variants.
 */
export function campaignTrigger(campaign: Campaign, customerId: string, events: readonly CustomerEvent[], profile: string, firedAt: number, arm?: string): OutgoingRecord<CampaignTrigger> {
  return recordOutput(Topics.campaignTriggers, customerId, {
    triggerId: triggerIdFor(campaign, events.map((e) => e.eventId)),
    campaignId: campaign.id,
    campaignVersion: campaign.version,
    campaignName: campaign.name,
    customerId,
    ...action(campaign, arm),
    events: [...events],
    profile,
    firedAt,
  });
}

/** A scheduled slot's trigger for one member: its id depends on the slot, not on any event. */
export function scheduledTrigger(campaign: Campaign, customerId: string, slot: number, profile: string, firedAt: number, arm?: string): OutgoingRecord<CampaignTrigger> {
  return recordOutput(Topics.campaignTriggers, customerId, {
    triggerId: triggerIdFor(campaign, [`schedule:${slot}:${customerId}`]),
    campaignId: campaign.id,
    campaignVersion: campaign.version,
    campaignName: campaign.name,
    customerId,
    ...action(campaign, arm),
    events: [],
    profile,
    firedAt,
  });
}

/** What the firing calls: the campaign's webhooks, or its variant's (none for the control group) with the variant's template data. */
function action(campaign: Campaign, arm: string | undefined): Pick<CampaignTrigger, 'webhookIds' | 'variant' | 'variantName' | 'variantVariables'> {
  if (arm === undefined) return { webhookIds: campaign.webhookIds, variant: null, variantName: null, variantVariables: null };
  const { webhookIds, id, name, variables } = variantFiring(campaign, arm);
  return { webhookIds, variant: id, variantName: name, variantVariables: JSON.stringify(variables) };
}
