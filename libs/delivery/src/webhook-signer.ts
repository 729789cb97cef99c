import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
/** Decoded keys by secret: a dispatcher signs with a handful of secrets, so decoding each once is enough. */
const keys = new Map<string, Buffer>();
const MAX_KEYS = 10_000;

/**
 * Standard Webhooks headers for a delivery. With several active secrets (rotation), one
 * signature per secret goes in `webhook-signature`, space-separated, so receivers holding
 * either secret verify.
 *
 * The signature is the specification's `v1,` + base64(HMAC-SHA256(key, "id.timestamp.body"))
 * computed with node:crypto: the `standardwebhooks` package signs with a JavaScript SHA-256
 * and decodes the secret on every call, a visible share of the dispatcher's CPU per delivery.
 * The tests verify every signature with that package, so the two cannot drift apart.
 */
export function signatureHeaders(deliveryId: string, body: string, secrets: readonly string[], at: Date = new Date()): Record<string, string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  const signed = `${deliveryId}.${timestamp}.${body}`;
  const signatures = secrets.map((secret) => `v1,${createHmac('sha256', keyOf(secret)).update(signed, 'utf8').digest('base64')}`);
  return {
    'webhook-id': deliveryId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.join(' '),
  };
}

function keyOf(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= MAX_KEYS) keys.clear();
    key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
    keys.set(secret, key);
  }
  return key;
}
