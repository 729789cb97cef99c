import { previousSecretExpiry, type ApiKeyScope, type StoredApiKey } from '@cuewire/api-keys';
import type { ConfigRecord } from '@cuewire/contracts';

/** An API key as the API shows it: metadata only, never a secret or its digest. */
export interface ApiKeyView {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  /** Non-secret hint to recognise the key: `cwk_<id>_` and the first characters of its secret. */
  prefix: string;
  createdAt: string;
  rotatedAt: string | null;
  /** Until when the secret replaced by the last rotation still works; null when it does not. */
  previousKeyExpiresAt: string | null;
  revision: number;
  updatedAt: string;
}

/** The plaintext key, returned once: by the create or rotate call that made it. */
export interface IssuedApiKeyView extends ApiKeyView {
  key: string;
}

export function apiKeyView(record: ConfigRecord, stored: StoredApiKey, now = Date.now()): ApiKeyView {
  const previousExpiry = previousSecretExpiry(stored, now);
  return {
    id: record.id,
    name: stored.name,
    scopes: stored.scopes,
    prefix: stored.prefix,
    createdAt: new Date(stored.createdAt).toISOString(),
    rotatedAt: stored.rotatedAt === null ? null : new Date(stored.rotatedAt).toISOString(),
    previousKeyExpiresAt: previousExpiry === null ? null : new Date(previousExpiry).toISOString(),
    revision: record.revision,
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}
