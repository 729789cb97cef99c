import { Inject, Injectable } from '@nestjs/common';
import {
  allOfOnEvent,
  allOfReferencedEvents,
  customerQualifies,
  emptyAllOf,
  emptyNotFollowedBy,
  isActive,
  notFollowedByKeepUntil,
  notFollowedByLive,
  notFollowedByOnEvent,
  parseDuration,
  type AllOfState,
  type Campaign,
  type CustomerContext,
  type NotFollowedBySpec,
  type NotFollowedByState,
  type SequenceEvent,
  type Trigger,
} from '@cuewire/campaigns';
import type { CustomerEvent } from '@cuewire/contracts';
import type { OutgoingRecord } from '@cuewire/kafka';
import { CLOCK, type Clock } from '../clock.js';
import { DueTimersRepository } from '../timers/due-timers.repository.js';
import { TriggerEmitter } from '../firing/trigger.emitter.js';
import { SequenceStateRepository, type SequenceRecord } from './sequence-state.repository.js';

export const notFollowedBySpec = (campaignId: string, customerId: string, trigger: Trigger): NotFollowedBySpec => {
  if (trigger.type !== 'not-followed-by') throw new TypeError(`${campaignId} is not a not-followed-by campaign`);
  return { campaignId, customerId, first: trigger.first, then: trigger.then, withinMs: parseDuration(trigger.within)! };
};

/** Keeps only the events the state still refers to (the record stays small). */
function keepReferenced(events: Record<string, CustomerEvent>, ids: Iterable<string>): Record<string, CustomerEvent> {
  return Object.fromEntries([...ids].filter((id) => events[id]).map((id) => [id, events[id]]));
}

/**
 * The record of a customer part-way through, who keeps the trigger (and version) they started
 * under; null for none, or for a not-followed-by record holding no wait (only ended waits to
 * recognise copies of): a new start takes the campaign as it is now.
 */
function partWay<S>(current: SequenceRecord<S> | null): SequenceRecord<S> | null {
  if (current?.trigger.type === 'not-followed-by' && (current.state as NotFollowedByState).pending.length === 0) return null;
  return current;
}

/** Feeds one event to the sequence campaigns (all-of, not-followed-by) and persists their progress. */
@Injectable()
export class SequenceEvaluator {
  constructor(
    private readonly states: SequenceStateRepository,
    private readonly timers: DueTimersRepository,
    private readonly emitter: TriggerEmitter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Whether the campaign takes events from this customer now (live, filters hold); pure, so callers can skip `onEvent`. */
  applies(campaign: Campaign, customer: CustomerContext): boolean {
    return isActive(campaign, this.clock()) && customerQualifies(campaign, customer);
  }

  async onEvent(campaign: Campaign, event: CustomerEvent, properties: unknown, customer: CustomerContext, profile: string): Promise<OutgoingRecord[]> {
    if (!this.applies(campaign, customer)) return [];
    const seq: SequenceEvent = { eventId: event.eventId, type: event.type, occurredAt: event.occurredAt, properties };
    if (campaign.trigger.type === 'all-of') return this.allOf(campaign, event, seq, profile);
    if (campaign.trigger.type === 'not-followed-by') return this.notFollowedBy(campaign, event, seq);
    return [];
  }

  private async allOf(campaign: Campaign, event: CustomerEvent, seq: SequenceEvent, profile: string): Promise<OutgoingRecord[]> {
    const firedWith = await this.states.update<AllOfState, CustomerEvent[][]>(event.customerId, campaign.id, (stored) => {
      // A customer part-way through keeps the trigger (and version) they started under.
      const current = partWay(stored);
      const trigger = current?.trigger ?? campaign.trigger;
      if (trigger.type !== 'all-of') return { next: current, result: [] };
      const t = allOfOnEvent(trigger.events, parseDuration(trigger.within)!, current?.state ?? emptyAllOf(), seq);
      const events = { ...(current?.events ?? {}), [event.eventId]: event };
      const fired = t.fired.map((ids) => ids.map((id) => events[id]).filter(Boolean));
      const kept = keepReferenced(events, allOfReferencedEvents(t.state));
      return { next: { campaignVersion: current?.campaignVersion ?? campaign.version, trigger, state: t.state, events: kept }, result: fired };
    });
    const now = this.clock();
    return (await Promise.all(firedWith.map((events) => this.emitter.forEvents(campaign, event.customerId, events, profile, now)))).flat();
  }

  private async notFollowedBy(campaign: Campaign, event: CustomerEvent, seq: SequenceEvent): Promise<OutgoingRecord[]> {
    let schedule: readonly { timerId: string; dueAt: number }[] = [];
    let cancel: readonly string[] = [];
    const now = this.clock();
    await this.states.update<NotFollowedByState, void>(event.customerId, campaign.id, async (stored) => {
      const current = partWay(stored);
      const trigger = current?.trigger ?? campaign.trigger;
      if (trigger.type !== 'not-followed-by') return { next: stored, result: undefined };
      // A record with no wait passes its ended waits on to the new start.
      const state = current?.state ?? (stored?.trigger.type === 'not-followed-by' ? stored.state : emptyNotFollowedBy());
      const t = notFollowedByOnEvent(notFollowedBySpec(campaign.id, event.customerId, trigger), state, seq, now);
      schedule = t.schedule;
      cancel = t.cancel;
      const events = { ...(current?.events ?? {}), [event.eventId]: event };
      const next: SequenceRecord<NotFollowedByState> = {
        campaignVersion: current?.campaignVersion ?? campaign.version,
        trigger,
        state: t.state,
        events: keepReferenced(events, t.state.pending.map((p) => p.eventId)),
      };
      // Kept while a wait is pending, then while its ended waits are remembered (a copy of a cart
      // add arriving after the purchase must not start a wait again), then dropped.
      return { next: notFollowedByLive(t.state, now) ? next : null, result: undefined, keepUntil: notFollowedByKeepUntil(t.state) };
    });
    // The timer is scheduled once the wait it fires is stored: a poller claiming it finds the
    // wait (scheduled first, a timer whose deadline had passed, the cart add being processed
    // late, could be claimed, found with nothing pending and removed before the wait was
    // written, which then never fired). A crash in between leaves a wait without a timer until
    // the record is handled again: a replay of a waiting cart add schedules its timer again
    // (as it must anyway: a Redis failover can lose the timer and keep the wait).
    await this.timers.schedule(schedule);
    await this.timers.cancel(cancel);
    return [];
  }
}
