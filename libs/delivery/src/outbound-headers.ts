import { validateHeaderName, validateHeaderValue } from 'node:http';
import { CLIENT_MANAGED_HEADERS } from '@cuewire/templating';

/**
 * A request that can never be sent as it is (a header value with characters HTTP forbids, a
 * header name that is not a token): retrying cannot help, so the dispatcher dead-letters it at
 * once with this reason instead of treating it as a transport failure.
 */
export class UnsendableRequestError extends Error {
  override readonly name = 'UnsendableRequestError';
}

/**
 * The headers as they go on the wire: those the HTTP client manages (host, content-length,
 * transfer-encoding, connection, …) are dropped — webhooks saved before that rule may still
 * carry them — and every other name and value is checked the way Node's HTTP stack checks them.
 */
export function sendableHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const sendable: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    // The webhook-* signing headers in that list are Cuewire's own (deliveryHeaders sets them last).
    if (CLIENT_MANAGED_HEADERS.has(name.toLowerCase()) && !/^webhook-/i.test(name)) continue;
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch (error) {
      throw new UnsendableRequestError(`header ${JSON.stringify(name)} cannot be sent: ${(error as Error).message}`);
    }
    sendable[name] = value;
  }
  return sendable;
}
