import { z } from 'zod';
import type { JsonObject } from './json-fields.js';

/**
 * Bounds on one customer's profile. A profile travels whole inside every enriched event and
 * lives in Redis; without a bound, attribute merges grow it until records no longer fit Kafka.
 * Ingest (answering 413) and the segmenter (dead-lettering the update) apply the same limits.
 */
export const profileLimitsEnvSchema = z.object({
  /** Most attributes one profile may hold after a merge. */
  PROFILE_MAX_ATTRIBUTES: z.coerce.number().int().min(1).default(500),
  /** Largest a profile may be after a merge, as JSON text (bytes, UTF-8). */
  PROFILE_MAX_BYTES: z.coerce.number().int().min(1_024).default(65_536),
});

export type ProfileLimits = z.infer<typeof profileLimitsEnvSchema>;

/** A merge that would take a profile past a limit; nothing of it is applied. */
export class ProfileLimitError extends Error {
  override readonly name = 'ProfileLimitError';
  constructor(
    readonly limit: keyof ProfileLimits,
    readonly max: number,
    readonly actual: number,
  ) {
    super(limit === 'PROFILE_MAX_ATTRIBUTES' ? `the profile would hold ${actual} attributes; at most ${max} (PROFILE_MAX_ATTRIBUTES)` : `the profile would be ${actual} bytes as JSON; at most ${max} (PROFILE_MAX_BYTES)`);
  }
}

/** The profile after merging `patch` (attribute by attribute; `null` removes one), or a ProfileLimitError. */
export function mergeProfile(profile: JsonObject, patch: JsonObject, limits: ProfileLimits): JsonObject {
  const merged: JsonObject = { ...profile };
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete merged[name];
    else merged[name] = value;
  }
  assertProfileWithinLimits(merged, limits);
  return merged;
}

export function assertProfileWithinLimits(profile: JsonObject, limits: ProfileLimits): void {
  const count = Object.keys(profile).length;
  if (count > limits.PROFILE_MAX_ATTRIBUTES) throw new ProfileLimitError('PROFILE_MAX_ATTRIBUTES', limits.PROFILE_MAX_ATTRIBUTES, count);
  const bytes = Buffer.byteLength(JSON.stringify(profile));
  if (bytes > limits.PROFILE_MAX_BYTES) throw new ProfileLimitError('PROFILE_MAX_BYTES', limits.PROFILE_MAX_BYTES, bytes);
}
