import type { SequenceEvent, StepSpec, Transition } from './sequence.types.js';
import { matchesStep } from './step-match.js';

/** A completed set: the event that completed it and the events it fired with. */
export interface AllOfFiring {
  readonly by: string;
  readonly eventIds: readonly string[];
}

/** Per customer × campaign: the latest matching occurrence of each step, and the last firings. */
export interface AllOfState {
  readonly latest: Readonly<Record<number, { eventId: string; at: number }>>;
  /** The most recent firings, newest last: a replayed event is recognised, not counted again. */
  readonly recent?: readonly AllOfFiring[];
}

/** Firings remembered for replays; a replay never reaches further back than the uncommitted records. */
export const ALL_OF_RECENT_FIRINGS = 10;

export const emptyAllOf = (): AllOfState => ({ latest: {} });

const unchanged = (state: AllOfState, fired: string[][] = []): Transition<AllOfState> => ({ state, fired, schedule: [], cancel: [] });

/**
 * "All of these events, in any order, within W": fires when every step has an occurrence and
 * the earliest and latest of them are at most W apart (inclusive). A firing consumes the
 * occurrences, so the next firing needs a fresh set.
 *
 * Idempotent per event, because the consume loop replays records whose output was never
 * acknowledged: the replay of the event that completed a set fires that same set again
 * (same events, so the same trigger id downstream), and the replay of any other event of a
 * fired set changes nothing.
 */
export function allOfOnEvent(steps: readonly StepSpec[], withinMs: number, state: AllOfState, event: SequenceEvent): Transition<AllOfState> {
  const recent = state.recent ?? [];
  const completed = recent.find((f) => f.by === event.eventId);
  if (completed) return unchanged(state, [[...completed.eventIds]]);
  if (recent.some((f) => f.eventIds.includes(event.eventId))) return unchanged(state);
  const matched = steps.flatMap((step, i) => (matchesStep(step, event) ? [i] : []));
  if (matched.length === 0) return unchanged(state);
  const latest: Record<number, { eventId: string; at: number }> = { ...state.latest };
  for (const i of matched) {
    if (!latest[i] || latest[i].at <= event.occurredAt) latest[i] = { eventId: event.eventId, at: event.occurredAt };
  }
  // Occurrences too old to ever be in a window with this event are dropped.
  for (const [i, occurrence] of Object.entries(latest)) if (event.occurredAt - occurrence.at > withinMs) delete latest[Number(i)];
  const waiting = unchanged({ ...state, latest });
  const occurrences = steps.map((_, i) => latest[i]);
  if (occurrences.some((o) => !o)) return waiting;
  const times = occurrences.map((o) => o!.at);
  if (Math.max(...times) - Math.min(...times) > withinMs) return waiting;
  const ids = [...new Set(occurrences.map((o) => o!.eventId))];
  const firing: AllOfFiring = { by: event.eventId, eventIds: ids };
  return unchanged({ latest: {}, recent: [...recent, firing].slice(-ALL_OF_RECENT_FIRINGS) }, [ids]);
}

/** The events an all-of state still needs kept (pending occurrences and remembered firings). */
export const allOfReferencedEvents = (state: AllOfState): string[] => [
  ...Object.values(state.latest).map((o) => o.eventId),
  ...(state.recent ?? []).flatMap((f) => f.eventIds),
];
