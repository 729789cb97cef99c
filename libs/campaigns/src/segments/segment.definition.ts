import { z } from 'zod';
import { evaluateCondition } from '../conditions/condition.evaluator.js';
import { conditionSchema } from '../conditions/condition.schema.js';

/** A segment: customers whose profile attributes satisfy the conditions (all of them, or any). */
export const segmentDefinitionSchema = z
  .object({
    name: z.string().min(1).max(200),
    match: z.enum(['all', 'any']).default('all'),
    conditions: z.array(conditionSchema).max(50).default([]),
  })
  .strict();

export type SegmentDefinition = z.infer<typeof segmentDefinitionSchema>;

export interface Segment extends SegmentDefinition {
  readonly id: string;
  readonly revision: number;
}

/** Pure. A segment without conditions contains every known customer. */
export function segmentMatches(segment: SegmentDefinition, profile: unknown): boolean {
  if (segment.conditions.length === 0) return true;
  return segment.match === 'all' ? segment.conditions.every((c) => evaluateCondition(c, profile)) : segment.conditions.some((c) => evaluateCondition(c, profile));
}

/** The ids of the segments a profile belongs to. */
export function segmentsOf(segments: Iterable<Segment>, profile: unknown): string[] {
  return [...segments].filter((s) => segmentMatches(s, profile)).map((s) => s.id);
}
