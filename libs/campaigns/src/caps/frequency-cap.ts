import { z } from 'zod';
import { durationSchema, parseDuration } from '../duration.js';

export const capsSchema = z
  .object({
    /** At most `max` firings per customer in any `period` (sliding window). */
    perCustomer: z.object({ max: z.number().int().min(1).max(10_000), period: durationSchema }).strict().optional(),
    /** At most one firing per customer, ever. */
    oncePerCustomer: z.boolean().default(false),
  })
  .strict();

export type Caps = z.infer<typeof capsSchema>;

/** Pure: may the campaign fire for a customer who received it at `history` (epoch ms)? */
export function capsAllow(caps: Caps | undefined, history: readonly number[], now: number): boolean {
  if (!caps) return true;
  if (caps.oncePerCustomer && history.length > 0) return false;
  if (caps.perCustomer) {
    const since = now - parseDuration(caps.perCustomer.period)!;
    if (history.filter((at) => at > since && at <= now).length >= caps.perCustomer.max) return false;
  }
  return true;
}

/** The optional install-wide cap: at most `maxPerDay` webhooks per customer across campaigns. */
export function dailyCapAllows(maxPerDay: number | undefined, historyAcrossCampaigns: readonly number[], now: number): boolean {
  return maxPerDay === undefined || historyAcrossCampaigns.filter((at) => at > now - 86_400_000 && at <= now).length < maxPerDay;
}
