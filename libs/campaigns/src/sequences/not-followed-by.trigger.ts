import type { SequenceEvent, StepSpec, Transition } from './sequence.types.js';
import { matchesStep } from './step-match.js';

interface Pending {
  readonly eventId: string;
  readonly at: number;
  readonly dueAt: number;
}

/** Per customer × campaign: first-step events still waiting to see whether the second comes. */
export interface NotFollowedByState {
  readonly pending: readonly Pending[];
}

export const emptyNotFollowedBy = (): NotFollowedByState => ({ pending: [] });

/** Several A's in a row each wait on their own, up to this many (a cart_add storm stays bounded). */
export const MAX_PENDING = 20;

export const timerIdFor = (campaignId: string, customerId: string, firstEventId: string) => `${campaignId}\u0000${customerId}\u0000${firstEventId}`;

export interface NotFollowedBySpec {
  readonly campaignId: string;
  readonly customerId: string;
  readonly first: StepSpec;
  readonly then: StepSpec;
  readonly withinMs: number;
}

/**
 * "A not followed by B within T". An A starts waiting (a durable timer at A's time + T); a B
 * that happens after an A and no later than its deadline cancels that wait; a timer that comes
 * due for a wait still pending fires the campaign with A.
 */
export function notFollowedByOnEvent(spec: NotFollowedBySpec, state: NotFollowedByState, event: SequenceEvent): Transition<NotFollowedByState> {
  let pending = [...state.pending];
  const cancel: string[] = [];
  if (matchesStep(spec.then, event)) {
    const followed = pending.filter((p) => event.occurredAt >= p.at && event.occurredAt <= p.dueAt);
    cancel.push(...followed.map((p) => timerIdFor(spec.campaignId, spec.customerId, p.eventId)));
    pending = pending.filter((p) => !followed.includes(p));
  }
  const schedule = [];
  if (matchesStep(spec.first, event) && !pending.some((p) => p.eventId === event.eventId) && pending.length < MAX_PENDING) {
    const wait = { eventId: event.eventId, at: event.occurredAt, dueAt: event.occurredAt + spec.withinMs };
    pending.push(wait);
    schedule.push({ timerId: timerIdFor(spec.campaignId, spec.customerId, wait.eventId), dueAt: wait.dueAt });
  }
  return { state: { pending }, fired: [], schedule, cancel };
}

/** A timer came due (at `now`, after a restart perhaps): fire if its wait is still pending. */
export function notFollowedByOnTimer(spec: NotFollowedBySpec, state: NotFollowedByState, timerId: string, now: number): Transition<NotFollowedByState> {
  const due = state.pending.find((p) => timerIdFor(spec.campaignId, spec.customerId, p.eventId) === timerId && p.dueAt <= now);
  if (!due) return { state, fired: [], schedule: [], cancel: [] };
  return { state: { pending: state.pending.filter((p) => p !== due) }, fired: [[due.eventId]], schedule: [], cancel: [] };
}
