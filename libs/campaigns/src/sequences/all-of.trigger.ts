import type { SequenceEvent, StepSpec, Transition } from './sequence.types.js';
import { matchesStep } from './step-match.js';

/** Per customer × campaign: the latest matching occurrence of each step. */
export interface AllOfState {
  readonly latest: Readonly<Record<number, { eventId: string; at: number }>>;
}

export const emptyAllOf = (): AllOfState => ({ latest: {} });

/**
 * "All of these events, in any order, within W": fires when every step has an occurrence and
 * the earliest and latest of them are at most W apart (inclusive). A firing consumes the
 * occurrences, so the next firing needs a fresh set.
 */
export function allOfOnEvent(steps: readonly StepSpec[], withinMs: number, state: AllOfState, event: SequenceEvent): Transition<AllOfState> {
  const matched = steps.flatMap((step, i) => (matchesStep(step, event) ? [i] : []));
  if (matched.length === 0) return { state, fired: [], schedule: [], cancel: [] };
  const latest: Record<number, { eventId: string; at: number }> = { ...state.latest };
  for (const i of matched) {
    if (!latest[i] || latest[i].at <= event.occurredAt) latest[i] = { eventId: event.eventId, at: event.occurredAt };
  }
  // Occurrences too old to ever be in a window with this event are dropped.
  for (const [i, occurrence] of Object.entries(latest)) if (event.occurredAt - occurrence.at > withinMs) delete latest[Number(i)];
  const occurrences = steps.map((_, i) => latest[i]);
  if (occurrences.some((o) => !o)) return { state: { latest }, fired: [], schedule: [], cancel: [] };
  const times = occurrences.map((o) => o!.at);
  if (Math.max(...times) - Math.min(...times) > withinMs) return { state: { latest }, fired: [], schedule: [], cancel: [] };
  const ids = [...new Set(occurrences.map((o) => o!.eventId))];
  return { state: emptyAllOf(), fired: [ids], schedule: [], cancel: [] };
}
