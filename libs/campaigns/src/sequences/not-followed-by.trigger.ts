import type { SequenceEvent, StepSpec, Transition } from './sequence.types.js';
import { matchesStep } from './step-match.js';

interface Pending {
  readonly eventId: string;
  readonly at: number;
  readonly dueAt: number;
}

/** A first-step event whose wait is over (followed, or fired), remembered until `until`. */
interface Ended {
  readonly eventId: string;
  readonly until: number;
}

/** Per customer × campaign: first-step events still waiting to see whether the second comes. */
export interface NotFollowedByState {
  readonly pending: readonly Pending[];
  /**
   * First-step events whose wait is over. A copy of one (a client's retry of a write that had
   * gone through, appended again after the follow-up, or an upstream replay) starts no second
   * wait: with its deadline past, that wait would fire before the follow-up's own copy behind it.
   */
  readonly ended?: readonly Ended[];
}

export const emptyNotFollowedBy = (): NotFollowedByState => ({ pending: [] });

/** Several A's in a row each wait on their own, up to this many (a cart_add storm stays bounded). */
export const MAX_PENDING = 20;

/** How long past its deadline an ended wait's first-step event is still recognised when it comes again. */
export const ENDED_MEMORY_MS = 24 * 3600_000;

/** The ended waits still remembered at `now`, the latest `MAX_PENDING`. */
function remembered(ended: readonly Ended[], now: number): Ended[] {
  return ended.filter((e) => e.until > now).slice(-MAX_PENDING);
}

/** Whether the state holds anything at `now`: waits, or ended waits to recognise (when not, it can be dropped). */
export function notFollowedByLive(state: NotFollowedByState, now: number): boolean {
  return state.pending.length > 0 || remembered(state.ended ?? [], now).length > 0;
}

/** Until when the state must be kept (the last ended wait's memory), for an expiry; undefined while a wait is pending. */
export function notFollowedByKeepUntil(state: NotFollowedByState): number | undefined {
  if (state.pending.length > 0) return undefined;
  return Math.max(0, ...(state.ended ?? []).map((e) => e.until));
}

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
 * due for a wait still pending fires the campaign with A. An A seen again (the same event id)
 * while it waits asks for its timer again; within ENDED_MEMORY_MS of its wait's deadline once
 * the wait is over, it starts nothing. `now` (the processing time) only ages the ended waits out.
 */
export function notFollowedByOnEvent(spec: NotFollowedBySpec, state: NotFollowedByState, event: SequenceEvent, now = event.occurredAt): Transition<NotFollowedByState> {
  let pending = [...state.pending];
  const ended = remembered(state.ended ?? [], now);
  const cancel: string[] = [];
  if (matchesStep(spec.then, event)) {
    const followed = pending.filter((p) => event.occurredAt >= p.at && event.occurredAt <= p.dueAt);
    cancel.push(...followed.map((p) => timerIdFor(spec.campaignId, spec.customerId, p.eventId)));
    pending = pending.filter((p) => !followed.includes(p));
    ended.push(...followed.map(endedWait));
  }
  const schedule = [];
  if (matchesStep(spec.first, event)) {
    const waiting = pending.find((p) => p.eventId === event.eventId);
    if (waiting) {
      // A replay of an A still waiting: no second wait, but its timer again (scheduling is
      // idempotent), since a Redis failover can lose the timer while the wait survives (they
      // live on different masters), and the replay is what makes up for lost writes.
      schedule.push({ timerId: timerIdFor(spec.campaignId, spec.customerId, waiting.eventId), dueAt: waiting.dueAt });
    } else if (!ended.some((e) => e.eventId === event.eventId) && pending.length < MAX_PENDING) {
      const wait = { eventId: event.eventId, at: event.occurredAt, dueAt: event.occurredAt + spec.withinMs };
      pending.push(wait);
      schedule.push({ timerId: timerIdFor(spec.campaignId, spec.customerId, wait.eventId), dueAt: wait.dueAt });
    }
  }
  return { state: withEnded(pending, ended), fired: [], schedule, cancel };
}

/** A timer came due (at `now`, after a restart perhaps): fire if its wait is still pending. */
export function notFollowedByOnTimer(spec: NotFollowedBySpec, state: NotFollowedByState, timerId: string, now: number): Transition<NotFollowedByState> {
  const due = state.pending.find((p) => timerIdFor(spec.campaignId, spec.customerId, p.eventId) === timerId && p.dueAt <= now);
  if (!due) return { state, fired: [], schedule: [], cancel: [] };
  const ended = [...remembered(state.ended ?? [], now), endedWait(due)];
  return { state: withEnded(state.pending.filter((p) => p !== due), ended), fired: [[due.eventId]], schedule: [], cancel: [] };
}

const endedWait = (p: Pending): Ended => ({ eventId: p.eventId, until: p.dueAt + ENDED_MEMORY_MS });

function withEnded(pending: readonly Pending[], ended: readonly Ended[]): NotFollowedByState {
  const kept = ended.slice(-MAX_PENDING);
  return kept.length > 0 ? { pending, ended: kept } : { pending };
}
