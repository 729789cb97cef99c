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
    return ms;
  })
  .describe('epoch milliseconds or an ISO 8601 date-time');

export const id = z.string().min(1).max(200);
