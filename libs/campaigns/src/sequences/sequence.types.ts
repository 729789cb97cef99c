import type { Condition } from '../conditions/condition.schema.js';

/** An event as trigger logic sees it: event time, not arrival time, decides windows. */
export interface SequenceEvent {
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: number;
  readonly properties: unknown;
}

export interface StepSpec {
  readonly eventType: string;
  readonly where?: readonly Condition[];
}

/** A durable timer the caller must keep (and deliver back once, at or after `dueAt`). */
export interface TimerRequest {
  readonly timerId: string;
  readonly dueAt: number;
}

/** What one input did: the new state, the event ids a firing is made of, timers to add or drop. */
export interface Transition<S> {
  readonly state: S;
  readonly fired: readonly string[][];
  readonly schedule: readonly TimerRequest[];
  readonly cancel: readonly string[];
}
