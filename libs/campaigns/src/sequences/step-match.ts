import { allConditionsHold } from '../conditions/condition.evaluator.js';
import type { SequenceEvent, StepSpec } from './sequence.types.js';

export const matchesStep = (step: StepSpec, event: SequenceEvent): boolean =>
  step.eventType === event.type && allConditionsHold(step.where, event.properties);
