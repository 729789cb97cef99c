import { triggerIdFor, type Campaign } from '@cuewire/campaigns';
import { Topics, type CampaignTrigger, type CustomerEvent } from '@cuewire/contracts';
import { recordOutput, type OutgoingRecord } from '@cuewire/kafka';

/** The trigger record for a firing made of `events` (its id is deterministic, so replays dedupe). */
export function campaignTrigger(campaign: Campaign, customerId: string, events: readonly CustomerEvent[], profile: string, firedAt: number): OutgoingRecord<CampaignTrigger> {
  return recordOutput(Topics.campaignTriggers, customerId, {
    triggerId: triggerIdFor(campaign, events.map((e) => e.eventId)),
    campaignId: campaign.id,
    campaignVersion: campaign.version,
    campaignName: campaign.name,
    customerId,
    webhookIds: campaign.webhookIds,
    events: [...events],
    profile,
    firedAt,
  });
}

/** A scheduled slot's trigger for one member: its id depends on the slot, not on any event. */
export function scheduledTrigger(campaign: Campaign, customerId: string, slot: number, profile: string, firedAt: number): OutgoingRecord<CampaignTrigger> {
  return recordOutput(Topics.campaignTriggers, customerId, {
    triggerId: triggerIdFor(campaign, [`schedule:${slot}:${customerId}`]),
    campaignId: campaign.id,
    campaignVersion: campaign.version,
    campaignName: campaign.name,
    customerId,
    webhookIds: campaign.webhookIds,
    events: [],
    profile,
    firedAt,
  });
}
