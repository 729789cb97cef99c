import type { ZodType } from 'zod';

/** Validates the environment; the error lists every bad variable with the reason. */
export function validateEnv<T>(schema: ZodType<T>, env: Record<string, unknown>): T {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
}
