import { invalid, safeEqual, VALID, type SignatureCheck } from '../http/signature-check.js';

/**
 * Smartech signs nothing; its webhooks offer HTTP Basic auth (RFC 7617:
 * `Authorization: Basic base64(username:password)`), which is what we check, in constant time.
 */
export function verifySmartechBasicAuth(authorization: string | undefined, username: string, password: string): SignatureCheck {
  if (!username || !password) return invalid('Smartech callbacks are not configured (no basic-auth credentials)');
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!match) return invalid('missing Basic authorization header');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return invalid('malformed Basic credentials');
  // Evaluate both comparisons so timing does not reveal which half was wrong.
  const userOk = safeEqual(decoded.slice(0, colon), username);
  const passwordOk = safeEqual(decoded.slice(colon + 1), password);
  return userOk && passwordOk ? VALID : invalid('wrong Basic credentials');
}
