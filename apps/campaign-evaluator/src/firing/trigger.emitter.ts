import { Injectable } from '@nestjs/common';
import type { Campaign } from '@cuewire/campaigns';
import type { CampaignTrigger, CustomerEvent } from '@cuewire/contracts';
import type { OutgoingRecord } from '@cuewire/kafka';
import { FiringGate } from '../history/firing-gate.js';
import { campaignTrigger, scheduledTrigger } from './campaign-trigger.factory.js';

/** Every firing path goes through here: the gate (caps, rules) decides, then the record is built. */
@Injectable()
export class TriggerEmitter {
  constructor(private readonly gate: FiringGate) {}

  async forEvents(campaign: Campaign, customerId: string, events: readonly CustomerEvent[], profile: string, now: number): Promise<OutgoingRecord<CampaignTrigger>[]> {
    const record = campaignTrigger(campaign, customerId, events, profile, now);
    return (await this.gate.admit(campaign, customerId, record.value!.triggerId, now)) ? [record] : [];
  }

  async forSlot(campaign: Campaign, customerId: string, slot: number, profile: string, now: number): Promise<OutgoingRecord<CampaignTrigger>[]> {
    const record = scheduledTrigger(campaign, customerId, slot, profile, now);
    return (await this.gate.admit(campaign, customerId, record.value!.triggerId, now)) ? [record] : [];
  }
}
