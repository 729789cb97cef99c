import { z } from 'zod';

/**
 * What a marketer defines. This first cut knows the single-event trigger; the full trigger
 * language (all-of, not-followed-by, schedules, on demand), filters and caps extend it.
 */
export const eventTriggerSchema = z.object({
  type: z.literal('event'),
  eventType: z.string().min(1).max(200),
});

export const campaignDefinitionSchema = z
  .object({
    name: z.string().min(1).max(200),
    status: z.enum(['draft', 'live', 'paused', 'ended']).default('draft'),
    trigger: z.discriminatedUnion('type', [eventTriggerSchema]),
    webhookIds: z.array(z.string().min(1)).min(1).max(20),
  })
  .strict();

export type CampaignDefinition = z.infer<typeof campaignDefinitionSchema>;

/** A campaign as services hold it: the definition plus identity and revision. */
export interface Campaign extends CampaignDefinition {
  readonly id: string;
  readonly version: number;
}
