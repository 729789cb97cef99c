/**
 * A secret the API returns once (a generated or rotated signing secret), handed from the page
 * that received it to the page that shows it, then forgotten. Never stored.
 */
let pending: { webhookId: string; secret: string } | undefined;

export function keepShownOnce(webhookId: string, secret: string): void {
  pending = { webhookId, secret };
}

export function takeShownOnce(webhookId: string): string | undefined {
  if (pending?.webhookId !== webhookId) return undefined;
  const { secret } = pending;
  pending = undefined;
  return secret;
}
