import { Injectable, Logger } from '@nestjs/common';
import { assertUnreachable, campaignDefinitionSchema, type Campaign, type Trigger } from '@cuewire/campaigns';
import { ON_DEMAND_EVENT_TYPE } from '@cuewire/contracts';
import { ConfigViews, ParsedConfigCatalog } from '@cuewire/kafka-nest';

/** The event types a sequence trigger reacts to (none for other triggers). */
function sequenceEventTypes(trigger: Trigger): string[] {
  switch (trigger.type) {
    case 'all-of':
      return trigger.events.map((s) => s.eventType);
    case 'not-followed-by':
      return [trigger.first.eventType, trigger.then.eventType];
    case 'event':
    case 'on-demand':
    case 'schedule':
      return [];
    default:
      return assertUnreachable(trigger);
  }
}

/** Campaigns, parsed once per revision from the control-plane view. */
@Injectable()
export class CampaignCatalog extends ParsedConfigCatalog<Campaign> {
  /**
   * Per sequence campaign, the event types of every version seen by this process: customers
   * part-way through an older version still get the events that version needs, while every
   * other event skips the campaign without touching Redis.
   */
  private readonly sequenceTypes: Map<string, Set<string>>;
  /** Campaigns an event type can concern, in catalog order; rebuilt after a change. */
  private byEventType: Map<string, Campaign[]> | null = null;

  constructor(config: ConfigViews) {
    const sequenceTypes = new Map<string, Set<string>>();
    super(
      config.campaigns,
      (record) => {
        const campaign = { ...campaignDefinitionSchema.parse(JSON.parse(record.body)), id: record.id, version: record.revision };
        const types = sequenceTypes.get(campaign.id) ?? new Set<string>();
        sequenceEventTypes(campaign.trigger).forEach((t) => types.add(t));
        sequenceTypes.set(campaign.id, types);
        return campaign;
      },
      new Logger('CampaignCatalog'),
    );
    this.sequenceTypes = sequenceTypes;
    // Registered after the parent's listener, so the index is dropped once the change is parsed.
    config.campaigns.on('change', () => (this.byEventType = null));
  }

  /**
   * The campaigns an event of this type can fire or advance, in catalog order: its single-event
   * triggers, the sequences that concern it, on-demand campaigns for on-demand events. Every
   * other campaign is skipped without a look (100 live campaigns, a handful per event type).
   */
  concernedBy(eventType: string): readonly Campaign[] {
    this.byEventType ??= this.indexByEventType();
    return this.byEventType.get(eventType) ?? [];
  }

  private indexByEventType(): Map<string, Campaign[]> {
    const index = new Map<string, Campaign[]>();
    for (const campaign of this.all()) {
      const { trigger } = campaign;
      const types = new Set(this.sequenceTypes.get(campaign.id));
      if (trigger.type === 'event') types.add(trigger.eventType);
      if (trigger.type === 'on-demand') types.add(ON_DEMAND_EVENT_TYPE);
      for (const type of types) index.set(type, [...(index.get(type) ?? []), campaign]);
    }
    return index;
  }

  /** Could this event advance this sequence campaign for anyone? */
  concernsSequence(campaignId: string, eventType: string): boolean {
    return this.sequenceTypes.get(campaignId)?.has(eventType) ?? false;
  }
}
