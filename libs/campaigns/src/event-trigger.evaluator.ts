import { createHash } from 'node:crypto';
import type { Campaign } from './campaign.definition.js';

export interface EvaluatedEvent {
  readonly eventId: string;
  readonly type: string;
}

/** Does this event fire this campaign? Pure: status and trigger only (filters come later). */
export function firesOnEvent(campaign: Campaign, event: EvaluatedEvent): boolean {
  return campaign.status === 'live' && campaign.trigger.type === 'event' && campaign.trigger.eventType === event.type;
}

/**
 * Deterministic trigger id: the same campaign version and triggering events always give the
 * same id, so a replayed event yields the same trigger and, downstream, the same delivery id.
 */
export function triggerIdFor(campaign: Pick<Campaign, 'id' | 'version'>, eventIds: readonly string[]): string {
  const digest = createHash('sha256').update(`${campaign.id}\u0000${campaign.version}\u0000${eventIds.join('\u0000')}`).digest('hex');
  return `trg_${digest.slice(0, 32)}`;
}
