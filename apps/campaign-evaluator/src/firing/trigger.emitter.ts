import { Injectable } from '@nestjs/common';
import { CONTROL_GROUP, type Campaign } from '@cuewire/campaigns';
import type { CampaignTrigger, CustomerEvent } from '@cuewire/contracts';
import type { OutgoingRecord } from '@cuewire/kafka';
import { FiringGate } from '../history/firing-gate.js';
import { VariantAssignmentRepository } from '../variants/variant-assignment.repository.js';
import { campaignTrigger, scheduledTrigger } from './campaign-trigger.factory.js';

type BuildTrigger = (arm?: string) => OutgoingRecord<CampaignTrigger>;

/**
 * Every firing path goes through here: the gate (caps, rules) decides, then the record is built.
 * A campaign with variants also gets the customer's arm, read beside the gate's reads (same
 * round trip); a campaign without variants costs nothing more.
 */
@Injectable()
export class TriggerEmitter {
  constructor(
    private readonly gate: FiringGate,
    private readonly variants: VariantAssignmentRepository,
  ) {}

  forEvents(campaign: Campaign, customerId: string, events: readonly CustomerEvent[], profile: string, now: number): Promise<OutgoingRecord<CampaignTrigger>[]> {
    return this.emit(campaign, customerId, now, (arm) => campaignTrigger(campaign, customerId, events, profile, now, arm));
  }

  forSlot(campaign: Campaign, customerId: string, slot: number, profile: string, now: number): Promise<OutgoingRecord<CampaignTrigger>[]> {
    return this.emit(campaign, customerId, now, (arm) => scheduledTrigger(campaign, customerId, slot, profile, now, arm));
  }

  private async emit(campaign: Campaign, customerId: string, now: number, build: BuildTrigger): Promise<OutgoingRecord<CampaignTrigger>[]> {
    // The trigger id does not depend on the arm, so the gate can decide before the arm is known.
    const record = build();
    const triggerId = record.value!.triggerId;
    const [{ admitted, replay }, arm] = await Promise.all([
      this.gate.decide(campaign, customerId, triggerId, now),
      campaign.variants ? this.variants.armOf(campaign, customerId) : undefined,
    ]);
    if (!admitted) return [];
    // Recorded once the arm is known: a control-group firing is kept apart from what the customer received.
    if (!replay) await this.gate.record(campaign, customerId, triggerId, now, arm === CONTROL_GROUP);
    return [arm === undefined ? record : build(arm)];
  }
}
