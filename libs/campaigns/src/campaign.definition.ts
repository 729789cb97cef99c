import { Cron } from 'croner';
import { z } from 'zod';
import { capsSchema } from './caps/frequency-cap.js';
import { conditionSchema } from './conditions/condition.schema.js';
import { durationSchema } from './duration.js';
import { isValidTimeZone } from './schedules/campaign-schedule.js';
import { checkVariants, controlGroupSchema, variantSchema } from './variants/campaign-variants.js';

const timeZone = z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Paris');
const step = z.object({ eventType: z.string().min(1).max(200), where: z.array(conditionSchema).max(50).optional() }).strict();

/** The trigger language (Netcore's list is the minimum: one event, several, one not followed by another, filters). */
export const triggerSchema = z.discriminatedUnion('type', [
  /** One event of a type, with property filters. */
  z.object({ type: z.literal('event'), eventType: z.string().min(1).max(200), where: z.array(conditionSchema).max(50).optional() }).strict(),
  /** All of several events within a window, any order. */
  z.object({ type: z.literal('all-of'), events: z.array(step).min(2).max(10), within: durationSchema }).strict(),
  /** An event not followed by another within a time. */
  z.object({ type: z.literal('not-followed-by'), first: step, then: step, within: durationSchema }).strict(),
  /** Once at a time, or recurring by cron in a time zone, over the audience. */
  z
    .object({ type: z.literal('schedule'), at: z.iso.datetime({ offset: true }).optional(), cron: z.string().max(100).optional(), timeZone: timeZone.default('UTC') })
    .strict()
    .superRefine((t, ctx) => {
      if (Boolean(t.at) === Boolean(t.cron)) ctx.addIssue({ code: 'custom', path: [], message: 'give exactly one of at or cron' });
      if (t.cron) {
        try {
          new Cron(t.cron, { timezone: isValidTimeZone(t.timeZone) ? t.timeZone : 'UTC', paused: true });
        } catch (error) {
          ctx.addIssue({ code: 'custom', path: ['cron'], message: `invalid cron pattern: ${(error as Error).message}` });
        }
      }
    }),
  /** Fired through the API, for listed customers or a segment. */
  z.object({ type: z.literal('on-demand') }).strict(),
]);

const campaignRule = z
  .object({
    rule: z.enum(['received', 'not_received', 'clicked', 'not_clicked']),
    campaignId: z.string().min(1).max(64),
    within: durationSchema.optional(),
  })
  .strict();

export const campaignDefinitionSchema = z
  .object({
    name: z.string().min(1).max(200),
    status: z.enum(['draft', 'live', 'paused', 'ended']).default('draft'),
    /** Only a live campaign inside its window fires. */
    window: z
      .object({ start: z.iso.datetime({ offset: true }).optional(), end: z.iso.datetime({ offset: true }).optional(), timeZone: timeZone.optional() })
      .strict()
      // Checked on the window itself, so it is reported even when other fields are invalid too.
      .refine((w) => !w.start || !w.end || Date.parse(w.end) > Date.parse(w.start), { message: 'must be after window.start', path: ['end'] })
      .optional(),
    audience: z.object({ segmentId: z.string().min(1).max(64) }).strict().optional(),
    trigger: triggerSchema,
    filters: z
      .object({
        profile: z.array(conditionSchema).max(50).optional(),
        segments: z.object({ in: z.array(z.string().min(1)).optional(), notIn: z.array(z.string().min(1)).optional() }).strict().optional(),
        campaigns: z.array(campaignRule).max(20).optional(),
      })
      .strict()
      .optional(),
    caps: capsSchema.optional(),
    webhookIds: z.array(z.string().min(1)).min(1).max(20),
    /** An A/B test: each firing goes to one variant, drawn once per customer (docs/decisions/0022-variants.md). */
    variants: z
      .array(variantSchema)
      .min(1)
      .max(10)
      .optional()
      .describe('A/B test arms: each firing goes to the arm first drawn for its customer; weights (whole percents) and controlGroup.weight add up to 100'),
    /** A share of firings that is recorded (variant "control") and sends nothing, to compare against. */
    controlGroup: controlGroupSchema.optional().describe('a share of firings recorded as variant "control" and sent nothing, to compare the variants against'),
    /** Part of the draw: a new seed reassigns every customer (a new test); kept assignments are per seed. */
    variantSeed: z.string().min(1).max(64).optional().describe('part of the draw: a new seed draws every customer again (a new test)'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.trigger.type === 'schedule' && !c.audience) ctx.addIssue({ code: 'custom', path: ['audience'], message: 'a scheduled campaign needs an audience segment' });
    checkVariants(c, ctx);
  });

export type CampaignDefinition = z.infer<typeof campaignDefinitionSchema>;
export type Trigger = z.infer<typeof triggerSchema>;

/** A campaign as services hold it: the definition plus identity and version. */
export interface Campaign extends CampaignDefinition {
  readonly id: string;
  readonly version: number;
}

/** Live, and inside its window at `now`. */
export function isActive(campaign: Pick<Campaign, 'status' | 'window'>, now: number): boolean {
  if (campaign.status !== 'live') return false;
  const start = campaign.window?.start ? Date.parse(campaign.window.start) : -Infinity;
  const end = campaign.window?.end ? Date.parse(campaign.window.end) : Infinity;
  return now >= start && now < end;
}

/** Webhooks a campaign calls, its own and its variants', with where (checked to exist when it is saved). */
export function referencedWebhooks(c: CampaignDefinition): { webhookId: string; path: string }[] {
  return [
    ...c.webhookIds.map((webhookId, i) => ({ webhookId, path: `$.webhookIds[${i}]` })),
    ...(c.variants ?? []).flatMap((v, i) => (v.webhookIds ?? []).map((webhookId, j) => ({ webhookId, path: `$.variants[${i}].webhookIds[${j}]` }))),
  ];
}

/** Segments a campaign refers to, with where (checked to exist when it is saved). */
export function referencedSegments(c: CampaignDefinition): { segmentId: string; path: string }[] {
  return [
    ...(c.audience ? [{ segmentId: c.audience.segmentId, path: '$.audience.segmentId' }] : []),
    ...(c.filters?.segments?.in ?? []).map((segmentId, i) => ({ segmentId, path: `$.filters.segments.in[${i}]` })),
    ...(c.filters?.segments?.notIn ?? []).map((segmentId, i) => ({ segmentId, path: `$.filters.segments.notIn[${i}]` })),
  ];
}
