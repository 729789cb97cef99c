import type { ZodType } from 'zod';
import { RequestValidationError, type FieldError } from './problem-details.filter.js';

/** `$.items[2].price`-style paths, so clients can point at the offending field. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : `${acc}.${String(part)}`), '$');
}

/** Parses a request body or throws a 400 that lists every problem with its JSON path. */
export function parseRequest<T>(schema: ZodType<T>, input: unknown, basePath: readonly PropertyKey[] = []): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.map((issue) => ({ path: jsonPath([...basePath, ...issue.path]), message: issue.message }));
  throw new RequestValidationError(errors);
}
