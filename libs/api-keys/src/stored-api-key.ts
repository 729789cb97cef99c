import { z } from 'zod';
import { displayPrefix, formatApiKey, newApiKeyId, newApiKeySecret, sha256Hex, type ApiKeyParts } from './api-key.secret.js';

/** What a key may do: `ingest` sends events and profiles in; `admin` runs the control plane and operator APIs. */
export const API_KEY_SCOPES = ['ingest', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** The longest a rotated-out secret may keep working: one week. */
export const MAX_ROTATION_GRACE_SECONDS = 7 * 24 * 3600;

const digest = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 digest, hex');

/** Scopes as clients send them: at least one, repeats folded, in canonical order. */
export const apiKeyScopesSchema = z
  .array(z.enum(API_KEY_SCOPES))
  .min(1, 'at least one scope')
  .transform((scopes) => API_KEY_SCOPES.filter((s) => scopes.includes(s)));

/** An API key as its compacted config topic holds it (body of a ConfigRecord of kind `api-key`): never the secret. */
export const storedApiKeySchema = z.object({
  name: z.string().min(1).max(200),
  scopes: apiKeyScopesSchema,
  /** SHA-256 (hex) of the current secret. */
  secretHash: digest,
  /** Non-secret display hint (`cwk_<id>_` and the first characters of the secret). */
  prefix: z.string(),
  createdAt: z.number().int(),
  rotatedAt: z.number().int().nullable(),
  /** The secret a rotation replaced, valid until `expiresAt` (epoch ms); null when none is. */
  previous: z.object({ secretHash: digest, expiresAt: z.number().int() }).nullable(),
});

export type StoredApiKey = z.infer<typeof storedApiKeySchema>;

/** A key as it is handed out: the only moment the plaintext exists. */
export interface IssuedApiKey {
  readonly id: string;
  readonly key: string;
  readonly stored: StoredApiKey;
}

/** A new key: fresh id and secret, only the secret's hash kept. */
export function issueApiKey(input: { name: string; scopes: readonly ApiKeyScope[] }, now: number, id = newApiKeyId()): IssuedApiKey {
  const parts = { id, secret: newApiKeySecret() };
  return { id, key: formatApiKey(parts), stored: { name: input.name, scopes: [...input.scopes], ...secretFields(parts), createdAt: now, rotatedAt: null, previous: null } };
}

/**
 * A new secret for the same key (id, name and scopes kept). The replaced secret keeps working
 * for `graceSeconds` (0: it stops at once). Only one previous secret is kept: rotating again
 * within a grace window ends the older secret's grace at once.
 */
export function rotateApiKey(id: string, current: StoredApiKey, graceSeconds: number, now: number): IssuedApiKey {
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_ROTATION_GRACE_SECONDS) {
    throw new RangeError(`graceSeconds must be an integer from 0 to ${MAX_ROTATION_GRACE_SECONDS}`);
  }
  const parts = { id, secret: newApiKeySecret() };
  const previous = graceSeconds > 0 ? { secretHash: current.secretHash, expiresAt: now + graceSeconds * 1000 } : null;
  return { id, key: formatApiKey(parts), stored: { ...current, ...secretFields(parts), rotatedAt: now, previous } };
}

/** When the previous secret stops working, or null when there is none still working. */
export function previousSecretExpiry(stored: StoredApiKey, now: number): number | null {
  return stored.previous && stored.previous.expiresAt > now ? stored.previous.expiresAt : null;
}

function secretFields(parts: ApiKeyParts): Pick<StoredApiKey, 'secretHash' | 'prefix'> {
  return { secretHash: sha256Hex(parts.secret), prefix: displayPrefix(parts) };
}
