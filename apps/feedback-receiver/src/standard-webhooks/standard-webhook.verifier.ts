import { Webhook } from 'standardwebhooks';
import { checkTimestamp, invalid, VALID, type SignatureCheck } from '../http/signature-check.js';

export interface StandardWebhookRequest {
  readonly rawBody: Buffer;
  readonly id: string | undefined;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
}

/**
 * Standard Webhooks (standardwebhooks.com): `webhook-signature` holds space-separated
 * `v1,<base64 HMAC-SHA256(secret, "<webhook-id>.<webhook-timestamp>.<body>")>`; the secret is
 * `whsec_<base64>`. The official package does the maths. It also enforces its own fixed
 * ±5 min window, so our tolerance can only tighten that, which we check first.
 */
export function verifyStandardWebhook(req: StandardWebhookRequest, secrets: readonly string[], nowSeconds: number, toleranceSeconds: number): SignatureCheck {
  if (!req.id || !req.signature) return invalid('missing webhook-id or webhook-signature header');
  if (secrets.length === 0) return invalid('Standard Webhooks callbacks are not configured (no secret)');
  const fresh = checkTimestamp(req.timestamp, nowSeconds, toleranceSeconds);
  if (!fresh.ok) return fresh;
  const headers = { 'webhook-id': req.id, 'webhook-timestamp': req.timestamp!, 'webhook-signature': req.signature };
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(req.rawBody, headers, { jsonParse: false });
      return VALID;
    } catch {
      // Try the next secret (rotation); a secret that is not base64 simply never matches.
    }
  }
  return invalid('no webhook-signature matches a configured secret');
}
