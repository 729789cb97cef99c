import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { RequestValidationError } from '@cuewire/platform';
import { rawBodyOf } from './raw-body.capture.js';

/** What a provider callback use case needs from HTTP: exact bytes, headers and the URL called. */
export interface CallbackRequest {
  readonly rawBody: Buffer;
  readonly headers: IncomingHttpHeaders;
  /** The URL as the provider called it (scheme, host, path, query). */
  readonly fullUrl: string;
  readonly query: URLSearchParams;
}

/**
 * The origin comes from FEEDBACK_PUBLIC_BASE_URL when set (behind a proxy), else from the
 * request. Trusting X-Forwarded-* here is harmless: the URL only feeds a signature check,
 * and a wrong URL can only make a check fail.
 */
export function callbackRequestOf(req: FastifyRequest, publicBaseUrl: string): CallbackRequest {
  const first = (h: string | string[] | undefined) => (Array.isArray(h) ? h[0] : h)?.split(',')[0]?.trim();
  const origin = publicBaseUrl ? publicBaseUrl.replace(/\/+$/, '') : `${first(req.headers['x-forwarded-proto']) ?? 'http'}://${first(req.headers['x-forwarded-host']) ?? req.headers.host ?? 'localhost'}`;
  const queryAt = req.url.indexOf('?');
  return { rawBody: rawBodyOf(req), headers: req.headers, fullUrl: origin + req.url, query: new URLSearchParams(queryAt < 0 ? '' : req.url.slice(queryAt + 1)) };
}

export function header(req: CallbackRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** JSON from the exact bytes that were verified (never from a re-serialization). */
export function jsonBodyOf(req: CallbackRequest): unknown {
  try {
    return JSON.parse(req.rawBody.toString('utf8'));
  } catch (error) {
    throw new RequestValidationError([{ path: '$', message: `body is not valid JSON (${(error as Error).message})` }]);
  }
}

export function formBodyOf(req: CallbackRequest): URLSearchParams {
  return new URLSearchParams(req.rawBody.toString('utf8'));
}
