import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks headers for a delivery. With several active secrets (rotation), one
 * signature per secret goes in `webhook-signature`, space-separated, so receivers holding
 * either secret verify.
 */
export function signatureHeaders(deliveryId: string, body: string, secrets: readonly string[], at: Date = new Date()): Record<string, string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  const signatures = secrets.map((secret) => new Webhook(secret).sign(deliveryId, new Date(timestamp * 1000), body));
  return {
    'webhook-id': deliveryId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.join(' '),
  };
}
