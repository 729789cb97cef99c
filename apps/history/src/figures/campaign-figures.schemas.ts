import { z } from 'zod';
import { instant } from '../http/query-fields.js';

export const BUCKETS = { hour: 3_600_000, day: 86_400_000 } as const;
export type Bucket = keyof typeof BUCKETS;
export const MAX_BUCKETS = 2_000;

export const campaignFiguresQuery = z
  .object({
    from: instant.optional().describe('start of the range (epoch ms or ISO 8601), rounded down to its bucket; default: 7 days (bucket=day) or 48 hours (bucket=hour) before `to`'),
    to: instant.optional().describe('end of the range, inclusive (epoch ms or ISO 8601); default: now'),
    bucket: z.enum(['hour', 'day']).default('day').describe('series granularity; buckets are UTC hours or UTC days'),
  })
  .strict()
  .transform((q, ctx) => {
    const to = q.to ?? Date.now();
    const from = q.from ?? to - (q.bucket === 'day' ? 7 * BUCKETS.day : 48 * BUCKETS.hour);
    if (from > to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after to' });
    else if ((to - from) / BUCKETS[q.bucket] > MAX_BUCKETS) ctx.addIssue({ code: 'custom', path: ['from'], message: `at most ${MAX_BUCKETS} ${q.bucket} buckets per request` });
    return { from, to, bucket: q.bucket };
  });
export type CampaignFiguresQuery = z.output<typeof campaignFiguresQuery>;

const count = z.number().int();
const deliveryFigures = {
  sent: count.describe('distinct deliveries with an HTTP attempt (DELIVERED, RETRY_SCHEDULED, FAILED or DEAD) in the bucket'),
  delivered: count.describe('distinct deliveries DELIVERED'),
  failed: count.describe('distinct deliveries that failed for good: DEAD, FAILED or RENDER_FAILED'),
  opened: count.describe('distinct deliveries opened (email_open, push_view); customers when the open names no delivery'),
  clicked: count.describe('distinct deliveries clicked (email_click, sms_click, push_click)'),
};
export const webhookFigures = z.object(deliveryFigures);
export const campaignFigures = z.object({ triggered: count.describe('campaign firings (triggers)'), ...deliveryFigures });
export type WebhookFigures = z.infer<typeof webhookFigures>;
export type CampaignFigures = z.infer<typeof campaignFigures>;

export const campaignFiguresReport = z.object({
  campaignId: z.string(),
  from: z.number().int().describe('epoch ms, the first bucket start'),
  to: z.number().int().describe('epoch ms, inclusive'),
  bucket: z.enum(['hour', 'day']),
  totals: campaignFigures.describe('over the whole range (distinct over the range, so not always the sum of the buckets)'),
  series: z.array(campaignFigures.extend({ start: z.number().int().describe('bucket start, epoch ms') })).describe('every bucket of the range, oldest first, zeros included'),
  webhooks: z
    .array(z.object({ webhookId: z.string(), totals: webhookFigures, series: z.array(webhookFigures.extend({ start: z.number().int() })) }))
    .describe('the same figures per webhook of the campaign that has any in the range'),
  variants: z
    .array(z.object({ variant: z.string().describe('the variant id, or "control" for the control group'), totals: campaignFigures }))
    .describe(
      'A/B test: the totals per variant that has any in the range, by variant id. The control group ("control") sends nothing: its triggered is the group\'s size, to compare the variants\' figures with',
    ),
});
export type CampaignFiguresReport = z.infer<typeof campaignFiguresReport>;
