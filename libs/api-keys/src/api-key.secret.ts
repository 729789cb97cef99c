import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An API key is `cwk_<id>_<secret>`: the id (16 hex digits, public: it names the key in URLs and
 * logs) makes lookup O(1); the secret is 32 random bytes, base64url (43 characters). Only the
 * SHA-256 of the secret is stored: with 256 random bits there is nothing to guess, so a slow
 * password hash (bcrypt, argon2) would add latency to every request and no security.
 */
export const API_KEY_PREFIX = 'cwk_';
const ID_HEX_DIGITS = 16;
const SECRET_BYTES = 32;
/** How many characters of the secret the display prefix shows (24 of 256 bits). */
const HINT_CHARS = 4;
const KEY_PATTERN = /^cwk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export const apiKeyIdPattern = /^[0-9a-f]{16}$/;

export interface ApiKeyParts {
  readonly id: string;
  readonly secret: string;
}

export function newApiKeyId(random: (bytes: number) => Buffer = randomBytes): string {
  return random(ID_HEX_DIGITS / 2).toString('hex');
}

export function newApiKeySecret(random: (bytes: number) => Buffer = randomBytes): string {
  return random(SECRET_BYTES).toString('base64url');
}

export function formatApiKey({ id, secret }: ApiKeyParts): string {
  return `${API_KEY_PREFIX}${id}_${secret}`;
}

/** The id and secret of a presented key, or null when it is not shaped like a Cuewire key. */
export function parseApiKey(key: string): ApiKeyParts | null {
  const match = KEY_PATTERN.exec(key);
  return match ? { id: match[1], secret: match[2] } : null;
}

/** A non-secret hint that tells keys (and a key's secrets) apart in listings: `cwk_<id>_AbCd`. */
export function displayPrefix({ id, secret }: ApiKeyParts): string {
  return `${API_KEY_PREFIX}${id}_${secret.slice(0, HINT_CHARS)}`;
}

/** SHA-256, hex: what is stored instead of a secret (and of the bootstrap key). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Constant-time comparison of two SHA-256 hex digests (false when either is not one). */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}
