import { z } from 'zod';

export const OPERATORS = ['eq', 'neq', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'exists', 'not_exists', 'contains', 'before', 'after'] as const;
export type Operator = (typeof OPERATORS)[number];

/**
 * `field` is a dotted path into the profile or the event's properties; `items[].price` looks
 * at every element of an array and the condition holds when ANY element matches
 * (`match: 'all'` requires every element; an empty array never matches `any`).
 */
export const conditionSchema = z
  .object({
    field: z.string().regex(/^[A-Za-z0-9_$-]+(\[\])?(\.[A-Za-z0-9_$-]+(\[\])?)*$/, 'must be a dotted path such as total, address.country or items[].price'),
    op: z.enum(OPERATORS),
    value: z.unknown().optional(),
    match: z.enum(['any', 'all']).default('any'),
  })
  .strict()
  .superRefine((c, ctx) => {
    const needsList = c.op === 'in' || c.op === 'not_in';
    const needsNone = c.op === 'exists' || c.op === 'not_exists';
    if (needsNone && c.value !== undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `${c.op} takes no value` });
    if (!needsNone && c.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `${c.op} needs a value` });
    if (needsList && !Array.isArray(c.value)) ctx.addIssue({ code: 'custom', path: ['value'], message: `${c.op} needs an array` });
    if ((c.op === 'before' || c.op === 'after') && Number.isNaN(Date.parse(String(c.value)))) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${c.op} needs an ISO 8601 date-time` });
    }
    if (['gt', 'gte', 'lt', 'lte'].includes(c.op) && c.value !== undefined && typeof c.value !== 'number' && typeof c.value !== 'string') {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${c.op} needs a number or a string` });
    }
  });

export type Condition = z.infer<typeof conditionSchema>;
