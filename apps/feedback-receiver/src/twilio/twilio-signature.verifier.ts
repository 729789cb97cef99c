import { createHmac } from 'node:crypto';
import { invalid, safeEqual, VALID, type SignatureCheck } from '../http/signature-check.js';

export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

/**
 * Twilio's request signature: base64(HMAC-SHA1(authToken, fullUrl + for each POST parameter,
 * sorted by name: name + value)). The full URL is the one Twilio called, query string
 * included. A name sent several times contributes each of its values, sorted (as Twilio's
 * own helper libraries compute it).
 */
export function twilioSignature(authToken: string, fullUrl: string, params: readonly (readonly [string, string])[]): string {
  const byName = new Map<string, string[]>();
  for (const [name, value] of params) byName.set(name, [...(byName.get(name) ?? []), value]);
  const data = [...byName.keys()]
    .sort()
    .map((name) => [...new Set(byName.get(name))].sort().map((value) => name + value).join(''))
    .join('');
  return createHmac('sha1', authToken).update(fullUrl + data, 'utf8').digest('base64');
}

/**
 * The URL as Twilio may have signed it: proxies and Twilio itself disagree on whether the
 * default port appears, so both forms are tried (Twilio's libraries do the same).
 */
export function urlVariants(fullUrl: string): string[] {
  // Parsed by hand: WHATWG URL drops a default port, and we need to know whether it was there.
  const m = /^(https?):\/\/([^/:?#]+)(?::(\d+))?(.*)$/i.exec(fullUrl);
  if (!m) return [fullUrl];
  const [, scheme, host, port, rest] = m;
  const defaultPort = scheme.toLowerCase() === 'https' ? '443' : '80';
  if (port !== undefined && port !== defaultPort) return [fullUrl];
  return [fullUrl, port === undefined ? `${scheme}://${host}:${defaultPort}${rest}` : `${scheme}://${host}${rest}`];
}

export interface TwilioSignedRequest {
  readonly fullUrl: string;
  readonly params: readonly (readonly [string, string])[];
  readonly signature: string | undefined;
}

/** Valid if any configured auth token (primary or secondary, during a rotation) signed the request. */
export function verifyTwilioSignature(req: TwilioSignedRequest, authTokens: readonly string[]): SignatureCheck {
  if (!req.signature) return invalid(`missing ${TWILIO_SIGNATURE_HEADER} header`);
  if (authTokens.length === 0) return invalid('Twilio callbacks are not configured (no auth token)');
  const urls = urlVariants(req.fullUrl);
  const match = authTokens.some((token) => urls.some((url) => safeEqual(twilioSignature(token, url, req.params), req.signature!)));
  return match ? VALID : invalid('the signature does not match the URL and parameters');
}
