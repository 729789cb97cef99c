import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * First-party open/click tracking tokens, pure so the renderer can build links with them:
 *
 *   token = base64url(JSON [kind, deliveryId, customerId, campaignId, url?]) "." base64url(mac)
 *   mac   = first 16 bytes of HMAC-SHA256(key, "cwt1." + <payload part>)
 *
 * URL-safe without escaping, compact (a JSON array, no field names), and tamper-proof: any
 * change to the payload, or a token minted without the key, fails the MAC. The kind is signed,
 * so an open token is never accepted as a click. 128-bit truncated HMAC is ample against
 * forgery (NIST SP 800-107 allows truncation to ≥ 64 bits). Tokens do not expire: mail is
 * opened months later. Keys rotate by listing several: the first signs, all verify.
 */
export interface TrackingClaims {
  readonly kind: 'open' | 'click';
  readonly deliveryId: string;
  readonly customerId: string;
  readonly campaignId?: string;
  /** Where the click redirects to (click tokens only): absolute http(s). */
  readonly url?: string;
}

export type TrackingTokenCheck = { readonly ok: true; readonly claims: TrackingClaims } | { readonly ok: false; readonly reason: string };

const VERSION = 'cwt1.';
const MAC_BYTES = 16;
const MAX_TOKEN_LENGTH = 8_192;
const MAX_ID_LENGTH = 200;
const KIND_CODES = { open: 'o', click: 'c' } as const;

export function signTrackingToken(claims: TrackingClaims, key: string): string {
  const problem = claimsProblem(claims);
  if (problem) throw new Error(`cannot sign tracking token: ${problem}`);
  const fields = [KIND_CODES[claims.kind], claims.deliveryId, claims.customerId, claims.campaignId ?? ''];
  if (claims.kind === 'click') fields.push(claims.url!);
  const payload = Buffer.from(JSON.stringify(fields)).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

export function verifyTrackingToken(token: string, keys: readonly string[]): TrackingTokenCheck {
  if (keys.length === 0) return { ok: false, reason: 'tracking is not configured (no key)' };
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'token is too long' };
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) return { ok: false, reason: 'token is not <payload>.<signature>' };
  const given = Buffer.from(signature, 'base64url');
  const signedByUs = given.length === MAC_BYTES && keys.some((key) => timingSafeEqual(mac(key, payload), given));
  if (!signedByUs) return { ok: false, reason: 'token signature is invalid' };
  // Only bytes we signed get parsed; a bad shape here means a key was used for something else.
  const claims = decodeClaims(payload);
  return claims ? { ok: true, claims } : { ok: false, reason: 'token payload is malformed' };
}

export const openPixelPath = (token: string) => `/t/o/${token}.gif`;
export const clickRedirectPath = (token: string) => `/t/c/${token}`;

function mac(key: string, payload: string): Buffer {
  return createHmac('sha256', key).update(VERSION + payload).digest().subarray(0, MAC_BYTES);
}

function decodeClaims(payload: string): TrackingClaims | undefined {
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string')) return undefined;
  const [code, deliveryId, customerId, campaignId, url] = fields as string[];
  const kind = code === 'o' ? 'open' : code === 'c' ? 'click' : undefined;
  if (!kind || fields.length !== (kind === 'click' ? 5 : 4)) return undefined;
  const claims: TrackingClaims = { kind, deliveryId, customerId, ...(campaignId ? { campaignId } : {}), ...(url ? { url } : {}) };
  return claimsProblem(claims) ? undefined : claims;
}

function claimsProblem(c: TrackingClaims): string | undefined {
  for (const [name, value] of [['deliveryId', c.deliveryId], ['customerId', c.customerId]] as const) {
    if (!value || value.length > MAX_ID_LENGTH) return `${name} must be 1-${MAX_ID_LENGTH} characters`;
  }
  if (c.campaignId !== undefined && c.campaignId.length > MAX_ID_LENGTH) return `campaignId must be at most ${MAX_ID_LENGTH} characters`;
  if (c.kind === 'open') return c.url === undefined ? undefined : 'an open token carries no url';
  return isHttpUrl(c.url) ? undefined : 'a click token needs an absolute http(s) url';
}

/** Only http(s): a javascript: or data: URL behind our domain would be an XSS/phishing vector. */
function isHttpUrl(url: string | undefined): boolean {
  if (!url || url.length > 4_096) return false;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}
