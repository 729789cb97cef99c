import type { Condition } from './condition.schema.js';

type Json = unknown;

interface PathStep {
  readonly key: string;
  /** `key[]`: continue with each element of the array at key. */
  readonly fanOut: boolean;
}

const parsePath = (path: string): PathStep[] =>
  path.split('.').map((raw) => (raw.endsWith('[]') ? { key: raw.slice(0, -2), fanOut: true } : { key: raw, fanOut: false }));

/**
 * Paths parsed once per condition: a condition object lives as long as the parsed campaign
 * (or segment) version it belongs to, and is evaluated for every event that reaches it.
 */
const pathsOf = new WeakMap<Condition, readonly PathStep[]>();

function stepsOf(c: Condition): readonly PathStep[] {
  let steps = pathsOf.get(c);
  if (!steps) pathsOf.set(c, (steps = parsePath(c.field)));
  return steps;
}

/** Every value at a path; `[]` fans out over array elements. A missing path yields []. */
export const valuesAt = (root: Json, path: string): Json[] => valuesAlong(root, parsePath(path));

function valuesAlong(root: Json, steps: readonly PathStep[]): Json[] {
  let current: Json[] = [root];
  for (const { key, fanOut } of steps) {
    const next: Json[] = [];
    for (const node of current) {
      if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) continue;
      const value = (node as Record<string, Json>)[key];
      if (fanOut) {
        if (Array.isArray(value)) next.push(...value);
      } else next.push(value);
    }
    current = next;
  }
  return current;
}

const comparable = (a: Json, b: Json): [number | string, number | string] | null =>
  typeof a === 'number' && typeof b === 'number' ? [a, b] : typeof a === 'string' && typeof b === 'string' ? [a, b] : null;

function holdsFor(value: Json, c: Condition): boolean {
  switch (c.op) {
    case 'eq':
      return value === c.value;
    case 'neq':
      return value !== c.value;
    case 'in':
      return (c.value as Json[]).includes(value);
    case 'not_in':
      return !(c.value as Json[]).includes(value);
    case 'contains':
      return typeof value === 'string' ? typeof c.value === 'string' && value.includes(c.value) : Array.isArray(value) && value.includes(c.value);
    case 'before':
    case 'after': {
      const at = typeof value === 'string' || typeof value === 'number' ? new Date(value).getTime() : NaN;
      const ref = Date.parse(String(c.value));
      return !Number.isNaN(at) && (c.op === 'before' ? at < ref : at > ref);
    }
    default: {
      const pair = comparable(value, c.value);
      if (!pair) return false;
      const [a, b] = pair;
      return c.op === 'gt' ? a > b : c.op === 'gte' ? a >= b : c.op === 'lt' ? a < b : a <= b;
    }
  }
}

/** Pure: does `subject` (a profile or an event's properties) satisfy the condition? */
export function evaluateCondition(c: Condition, subject: Json): boolean {
  const values = valuesAlong(subject, stepsOf(c));
  if (c.op === 'exists') return values.some((v) => v !== null && v !== undefined);
  if (c.op === 'not_exists') return values.every((v) => v === null || v === undefined);
  // neq / not_in on a missing field hold (the customer is not in the excluded set).
  if (values.length === 0) return c.op === 'neq' || c.op === 'not_in';
  return c.match === 'all' ? values.every((v) => holdsFor(v, c)) : values.some((v) => holdsFor(v, c));
}

export const allConditionsHold = (conditions: readonly Condition[] | undefined, subject: Json): boolean =>
  (conditions ?? []).every((c) => evaluateCondition(c, subject));
