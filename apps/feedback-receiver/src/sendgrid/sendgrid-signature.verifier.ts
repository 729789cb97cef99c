import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { checkTimestamp, invalid, VALID, type SignatureCheck } from '../http/signature-check.js';

export const SENDGRID_SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const SENDGRID_TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

/**
 * The verification key as SendGrid shows it (Settings → Mail Settings → Signed Event Webhook):
 * base64 of the DER-encoded SubjectPublicKeyInfo of an ECDSA P-256 key. PEM is accepted too.
 */
export function parseSendgridPublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  const key = trimmed.includes('-----BEGIN')
    ? createPublicKey(trimmed)
    : createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('the SendGrid verification key must be an ECDSA P-256 public key');
  }
  return key;
}

export interface SendgridSignedRequest {
  readonly rawBody: Buffer;
  readonly signature: string | undefined;
  readonly timestamp: string | undefined;
}

/**
 * SendGrid's Signed Event Webhook: the signature header is base64 of a DER-encoded ECDSA
 * signature with SHA-256 over the UTF-8 bytes of (timestamp header value + raw request body),
 * verified with the account's P-256 public key. The timestamp is also checked against now,
 * so a captured request cannot be replayed later.
 */
export function verifySendgridSignature(req: SendgridSignedRequest, publicKey: KeyObject, nowSeconds: number, toleranceSeconds: number): SignatureCheck {
  if (!req.signature) return invalid(`missing ${SENDGRID_SIGNATURE_HEADER} header`);
  const fresh = checkTimestamp(req.timestamp, nowSeconds, toleranceSeconds);
  if (!fresh.ok) return fresh;
  const signed = Buffer.concat([Buffer.from(req.timestamp!, 'utf8'), req.rawBody]);
  const ok = verify('sha256', signed, { key: publicKey, dsaEncoding: 'der' }, Buffer.from(req.signature, 'base64'));
  return ok ? VALID : invalid('the signature does not match the timestamp and body');
}
