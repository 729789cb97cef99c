import { Topics, type TopicContract, type WebhookRetry } from '@cuewire/contracts';
import { delayTierFor } from '@cuewire/delivery';

export interface DelayTier {
  readonly delayMs: number;
  readonly topic: TopicContract<WebhookRetry>;
}

/**
 * The delay tiers, shortest first. A tier holds each record exactly its delay after the record
 * was appended, so records leave a partition in the order they arrived and waiting on the head
 * never holds a record that is due. A longer wait hops: tier after tier until notBefore.
 */
export const DELAY_TIERS: readonly DelayTier[] = [
  { delayMs: 1_000, topic: Topics.webhookRetry1s },
  { delayMs: 5_000, topic: Topics.webhookRetry5s },
  { delayMs: 30_000, topic: Topics.webhookRetry30s },
  { delayMs: 300_000, topic: Topics.webhookRetry5m },
  { delayMs: 1_800_000, topic: Topics.webhookRetry30m },
  { delayMs: 7_200_000, topic: Topics.webhookRetry2h },
];

/** The tier a record waiting `delayMs` goes to now. */
export function tierFor(delayMs: number): DelayTier {
  return DELAY_TIERS[delayTierFor(DELAY_TIERS.map((t) => t.delayMs), delayMs)];
}

/** When a record on `tier`, appended at `appendedAt`, leaves it: its notBefore, but no later than the tier's delay. */
export function releaseAt(tier: DelayTier, notBefore: number, appendedAt: number): number {
  return Math.min(notBefore, appendedAt + tier.delayMs);
}
