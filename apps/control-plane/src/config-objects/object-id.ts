import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** Ids are chosen by the client (readable slugs) or generated with a kind prefix. */
export const objectIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1-64 letters, digits, _ or -, starting with a letter or digit');

export function newObjectId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}
