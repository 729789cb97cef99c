import { z } from 'zod';

/** A time in a query string: epoch milliseconds, or an ISO 8601 date-time. */
export const instant = z
  .string()
  .transform((text, ctx) => {
    const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'expected epoch milliseconds or an ISO 8601 date-time' });
      return z.NEVER;
    }
    // What a JavaScript Date (and PostgreSQL's timestamptz) can hold: beyond it is not a time.
    if (ms < 0 || ms > MAX_TIME_MS) {
      ctx.addIssue({ code: 'custom', message: `must be between 0 and ${MAX_TIME_MS} (epoch milliseconds)` });
      return z.NEVER;
    }
    return ms;
  })
  .describe('epoch milliseconds or an ISO 8601 date-time');

const MAX_TIME_MS = 8.64e15;

/** An id in a query or path: no control characters (PostgreSQL text cannot even hold a NUL). */
export const id = z
  .string()
  .min(1)
  .max(200)
  .refine((text) => [...text].every((c) => c >= ' ' && c !== '\u007f'), 'must not contain control characters');
