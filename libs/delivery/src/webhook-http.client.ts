import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { isIP } from 'node:net';
import { bypassesProxy, type EgressProxy } from './egress-proxy.js';
import { sendableHeaders, UnsendableRequestError } from './outbound-headers.js';
import type { PrivateNetworkGuard } from './private-network.guard.js';

export interface OutboundRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer;
  readonly timeoutMs: number;
}

export interface OutboundResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  /** At most `maxResponseBytes` of the body. */
  readonly bodyExcerpt: string;
  readonly latencyMs: number;
}

export interface WebhookHttpClientOptions {
  readonly guard: PrivateNetworkGuard;
  readonly maxResponseBytes?: number;
  readonly connections?: number;
  /** TCP + TLS handshake budget (ms). */
  readonly connectTimeoutMs?: number;
  /** Send through this proxy (except bypassed hosts). */
  readonly egress?: EgressProxy;
}

/** A request's URL as the client uses it. */
interface Target {
  readonly origin: string;
  readonly path: string;
  readonly hostname: string;
  /** The host when it is an IP literal (without IPv6 brackets). */
  readonly literal?: string;
}

/** URLs whose parse is kept; the cache starts over when full. */
const TARGET_CACHE_SIZE = 1_000;

/** The whole exchange took longer than the request's timeout (a retry verdict, as any transport error). */
export class RequestTimeoutError extends Error {
  // The name undici's and AbortSignal's timeouts carry, which the failure policy knows.
  override readonly name = 'TimeoutError';
  readonly code = 'UND_ERR_TIMEOUT';
}

/** The reason a response is cut off once its excerpt is read (never reported: the answer is already in). */
class ExcerptCompleteError extends Error {
  override readonly name = 'ExcerptCompleteError';
}

/** undici refuses some requests before any byte is sent (its own header rules): final too. */
function refusalAsUnsendable(error: Error & { code?: string }): Error {
  return error.code === 'UND_ERR_INVALID_ARG' ? new UnsendableRequestError(`the HTTP client refused the request: ${error.message}`) : error;
}

/** Response headers as one string each (a repeated header's values joined, as HTTP allows). */
function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    flat[name] = Array.isArray(value) ? value.join(', ') : String(value ?? '');
  }
  return flat;
}

/**
 * Outbound HTTP for webhooks: per-origin pools, timeouts, bounded reads, no redirects (undici's
 * request does not follow them), TLS verified. Sockets resolve through the guard's lookup, so
 * the address checked is the address connected to; TLS SNI and Host stay the URL's host name.
 */
export class WebhookHttpClient {
  private readonly agent: Agent;
  private readonly proxy?: ProxyAgent;
  private readonly maxResponseBytes: number;
  private readonly targets = new Map<string, Target>();

  constructor(private readonly options: WebhookHttpClientOptions) {
    this.maxResponseBytes = options.maxResponseBytes ?? 4096;
    const connections = options.connections ?? 64;
    this.agent = new Agent({
      connections,
      connect: { rejectUnauthorized: true, timeout: options.connectTimeoutMs ?? 5_000, lookup: options.guard.socketLookup },
    });
    if (options.egress) {
      // The proxy itself usually sits on a private network: its address is not the guard's
      // business. The destination is (checked in `send` before the request is handed over).
      this.proxy = new ProxyAgent({
        uri: options.egress.url,
        connections,
        connectTimeout: options.connectTimeoutMs ?? 5_000,
        requestTls: { rejectUnauthorized: true },
      });
    }
  }

  /** Throws UnsendableRequestError for a request that can never be sent (see outbound-headers). */
  async send(req: OutboundRequest): Promise<OutboundResponse> {
    const headers = sendableHeaders(req.headers);
    const target = this.targetOf(req.url);
    const dispatcher = this.dispatcherFor(target.hostname);
    // Sockets never call lookup for an IP literal, so literals are checked here. Through a proxy
    // no socket of ours resolves the destination, so it is resolved and checked here; the proxy
    // resolves it again itself (docs/egress.md says how to close that gap there).
    if (target.literal) this.options.guard.assertAddressAllowed(target.literal, target.literal);
    else if (dispatcher !== this.agent) await this.options.guard.assertAllowed(target.hostname);
    return this.exchange(dispatcher, target, req, headers);
  }

  /**
   * One request through undici's dispatch API with a handler of our own: the response is read
   * into at most maxResponseBytes straight from the parser's chunks, with no stream, abort signal
   * or async resource per request (undici's `request` creates all three), which is most of what
   * an attempt costs the dispatcher besides the socket writes. Redirects are not followed
   * (dispatch never follows them). The whole exchange is bounded by `timeoutMs`, its waits for
   * the headers and between body chunks by undici's own timers.
   */
  private exchange(dispatcher: Dispatcher, target: Target, req: OutboundRequest, headers: Record<string, string>): Promise<OutboundResponse> {
    const started = performance.now();
    const limit = this.maxResponseBytes;
    return new Promise((resolve, reject) => {
      let controller: Dispatcher.DispatchController | undefined;
      let statusCode = 0;
      let responseHeaders: Record<string, string> = {};
      let chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      // Built only when the deadline passes (an error captures a stack trace).
      let timeoutError: Error | undefined;
      const timedOut = () => (timeoutError ??= new RequestTimeoutError(`no complete answer within ${req.timeoutMs} ms`));
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (error) return reject(error);
        resolve({
          statusCode,
          headers: responseHeaders,
          bodyExcerpt: (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)).toString('utf8', 0, Math.min(size, limit)),
          latencyMs: Math.round(performance.now() - started),
        });
        chunks = [];
      };
      const deadline = setTimeout(() => {
        controller?.abort(timedOut());
        finish(timedOut());
      }, req.timeoutMs);
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart: (c) => {
          controller = c;
          // Started only after the deadline passed (it waited for a connection): not sent at all.
          if (settled) c.abort(timedOut());
        },
        onResponseStart: (_c, status, parsed) => {
          // 1xx answers (100 Continue, 103 Early Hints) come before the final one.
          if (status < 200) return;
          statusCode = status;
          responseHeaders = flatHeaders(parsed);
        },
        onResponseData: (c, chunk) => {
          if (settled) return;
          chunks.push(chunk);
          size += chunk.length;
          if (size < limit) return;
          // The excerpt is complete: the rest of the body is let go (the connection with it).
          finish();
          c.abort(new ExcerptCompleteError());
        },
        onResponseEnd: () => finish(),
        onResponseError: (_c, error) => finish(refusalAsUnsendable(error)),
      };
      try {
        dispatcher.dispatch(
          {
            origin: target.origin,
            path: target.path,
            method: req.method as Dispatcher.HttpMethod,
            headers,
            body: req.method === 'GET' ? undefined : req.body,
            headersTimeout: req.timeoutMs,
            bodyTimeout: req.timeoutMs,
          },
          handler,
        );
      } catch (error) {
        finish(refusalAsUnsendable(error as Error));
      }
    });
  }

  /** Parsed once per URL: a webhook's deliveries mostly share one (a bounded cache). */
  private targetOf(url: string): Target {
    let target = this.targets.get(url);
    if (target) return target;
    const parsed = new URL(url);
    const bare = parsed.hostname.replace(/^\[|\]$/g, '');
    target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}`, hostname: parsed.hostname, literal: isIP(bare) ? bare : undefined };
    if (this.targets.size >= TARGET_CACHE_SIZE) this.targets.clear();
    this.targets.set(url, target);
    return target;
  }

  private dispatcherFor(hostname: string): Dispatcher {
    const { egress } = this.options;
    return this.proxy && egress && !bypassesProxy(hostname, egress.bypass) ? this.proxy : this.agent;
  }

  async close(): Promise<void> {
    await Promise.all([this.agent.close(), this.proxy?.close()]);
  }
}
