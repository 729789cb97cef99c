import { createHash } from 'node:crypto';
import type { Engagement } from './engagement.js';

/**
 * What makes two callbacks "the same engagement": the provider's own event id when it has
 * one, else the delivery, the type and (for clicks) the link. Without either there is
 * nothing stable to compare, so the engagement is never deduplicated.
 */
export function dedupeKeyOf(e: Engagement): string | undefined {
  if (e.providerEventId) return ['provider', e.provider, e.providerEventId].join('\u0000');
  if (e.deliveryId) return ['delivery', e.deliveryId, e.type, ...(e.url ? [e.url] : [])].join('\u0000');
  return undefined;
}

/**
 * The customer event id, derived from the dedupe key: a replay that slips past the Redis mark
 * (a crash between Kafka's ack and the mark, or two copies racing) carries the same event id,
 * so consumers can still drop it.
 */
export function eventIdFor(dedupeKey: string): string {
  return `eng_${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 32)}`;
}
