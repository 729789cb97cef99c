import { parseApiKey, sameDigest, sha256Hex } from './api-key.secret.js';
import { API_KEY_SCOPES, type ApiKeyScope, type StoredApiKey } from './stored-api-key.js';

/**
 * Why a request was not authenticated. `invalid` covers unknown ids, revoked keys and wrong
 * secrets alike, so an answer never tells more than "this key does not work"; `expired` is
 * only said to a caller who presented a rotated-out secret, i.e. who held the key.
 */
export type ApiKeyRejection = 'missing' | 'malformed' | 'invalid' | 'expired';

/** Who is calling: a stored key, or the bootstrap key from the environment (every scope). */
export interface ApiKeyPrincipal {
  readonly keyId: string;
  readonly scopes: readonly ApiKeyScope[];
}

export type ApiKeyAuthentication = { readonly ok: true; readonly principal: ApiKeyPrincipal } | { readonly ok: false; readonly reason: ApiKeyRejection };

/** The keys a process knows: its view of the api-keys topic and the bootstrap key's digest. */
export interface ApiKeyLookup {
  readonly bootstrapDigest: string | null;
  find(id: string): StoredApiKey | undefined;
}

export const BOOTSTRAP_KEY_ID = 'bootstrap';

type HeaderValue = string | string[] | undefined;
export type CredentialHeaders = { readonly authorization?: HeaderValue; readonly 'x-api-key'?: HeaderValue };

/** Authenticates a request by its headers: the presented key (see presentedApiKey), checked by authenticateApiKey. */
export function authenticateRequest(headers: CredentialHeaders, keys: ApiKeyLookup, now: number): ApiKeyAuthentication {
  const presented = presentedApiKey(headers);
  return 'reason' in presented ? { ok: false, reason: presented.reason } : authenticateApiKey(presented.key, keys, now);
}

/**
 * The key a request presents, as `Authorization: Bearer <key>` or `X-Api-Key: <key>` (both
 * only if they agree). Another auth scheme, a repeated or empty header is malformed.
 */
export function presentedApiKey(headers: CredentialHeaders): { key: string } | { reason: 'missing' | 'malformed' } {
  const { authorization, 'x-api-key': headerKey } = headers;
  if (authorization === undefined && headerKey === undefined) return { reason: 'missing' };
  if (Array.isArray(authorization) || Array.isArray(headerKey)) return { reason: 'malformed' };
  const bearer = authorization === undefined ? undefined : /^Bearer +(\S+)\s*$/i.exec(authorization)?.[1];
  if (authorization !== undefined && bearer === undefined) return { reason: 'malformed' };
  const fromHeader = headerKey?.trim();
  if (fromHeader === '' || (bearer !== undefined && fromHeader !== undefined && bearer !== fromHeader)) return { reason: 'malformed' };
  return { key: (bearer ?? fromHeader)! };
}

/** Checks a presented key against the bootstrap key and the stored keys, at time `now` (epoch ms). */
export function authenticateApiKey(key: string, keys: ApiKeyLookup, now: number): ApiKeyAuthentication {
  if (keys.bootstrapDigest !== null && sameDigest(sha256Hex(key), keys.bootstrapDigest)) {
    return { ok: true, principal: { keyId: BOOTSTRAP_KEY_ID, scopes: API_KEY_SCOPES } };
  }
  const parts = parseApiKey(key);
  if (!parts) return { ok: false, reason: 'malformed' };
  const stored = keys.find(parts.id);
  if (!stored) return { ok: false, reason: 'invalid' };
  const digest = sha256Hex(parts.secret);
  if (sameDigest(digest, stored.secretHash)) return { ok: true, principal: { keyId: parts.id, scopes: stored.scopes } };
  if (stored.previous && sameDigest(digest, stored.previous.secretHash)) {
    return now < stored.previous.expiresAt ? { ok: true, principal: { keyId: parts.id, scopes: stored.scopes } } : { ok: false, reason: 'expired' };
  }
  return { ok: false, reason: 'invalid' };
}
