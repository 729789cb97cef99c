import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpException, HttpStatus } from '@nestjs/common';

/** A verifier's verdict; `reason` tells the caller (and the 401 body) what failed. */
export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export const VALID: SignatureCheck = { ok: true };
export const invalid = (reason: string): SignatureCheck => ({ ok: false, reason });

/** 401 for a missing, forged or stale signature; nothing was published. */
export class InvalidSignatureError extends HttpException {
  constructor(reason: string) {
    super({ title: 'Invalid signature', detail: reason }, HttpStatus.UNAUTHORIZED);
  }
}

export function assertValid(check: SignatureCheck): void {
  if (!check.ok) throw new InvalidSignatureError(check.reason);
}

/** Replay protection: a signed timestamp (unix seconds) must be within `toleranceSeconds` of now. */
export function checkTimestamp(header: string | undefined, nowSeconds: number, toleranceSeconds: number): SignatureCheck {
  if (!header) return invalid('missing timestamp header');
  if (!/^\d{1,12}$/.test(header)) return invalid('timestamp is not unix seconds');
  const skew = Math.abs(nowSeconds - Number(header));
  return skew <= toleranceSeconds ? VALID : invalid(`timestamp is ${skew} s away from now (tolerance ${toleranceSeconds} s)`);
}

/** Constant-time comparison of strings of any length (hashing first equalises the lengths). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
