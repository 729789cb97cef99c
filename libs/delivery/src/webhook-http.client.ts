import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
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

/**
 * Outbound HTTP for webhooks: per-origin pools, timeouts, bounded reads, no redirects (undici's
 * request does not follow them), TLS verified. Sockets resolve through the guard's lookup, so
 * the address checked is the address connected to; TLS SNI and Host stay the URL's host name.
 */
export class WebhookHttpClient {
  private readonly agent: Agent;
  private readonly proxy?: ProxyAgent;
  private readonly maxResponseBytes: number;

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
    const target = new URL(req.url);
    // Sockets never call lookup for an IP literal, so literals are checked here.
    const literal = target.hostname.replace(/^\[|\]$/g, '');
    const dispatcher = this.dispatcherFor(target.hostname);
    // Through a proxy no socket of ours resolves the destination, so it is resolved and checked
    // here; the proxy resolves it again itself (docs/egress.md says how to close that gap there).
    if (isIP(literal) || dispatcher !== this.agent) await this.options.guard.assertAllowed(literal);
    const started = performance.now();
    const response = await request(target, {
      dispatcher,
      method: req.method as 'POST',
      headers,
      body: req.method === 'GET' ? undefined : req.body,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
      signal: AbortSignal.timeout(req.timeoutMs),
    }).catch((error: Error & { code?: string }) => {
      // undici refuses some requests before any byte is sent (its own header rules): final too.
      if (error.code === 'UND_ERR_INVALID_ARG') throw new UnsendableRequestError(`the HTTP client refused the request: ${error.message}`);
      throw error;
    });
    const bodyExcerpt = await this.readBounded(response.body);
    return {
      statusCode: response.statusCode,
      headers: Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')])),
      bodyExcerpt,
      latencyMs: Math.round(performance.now() - started),
    };
  }

  private dispatcherFor(hostname: string): Dispatcher {
    const { egress } = this.options;
    return this.proxy && egress && !bypassesProxy(hostname, egress.bypass) ? this.proxy : this.agent;
  }

  /** At most maxResponseBytes of the body; then the rest is let go. Events, not `for await`: an async iterator per response is garbage the hot path can do without. */
  private readBounded(body: Readable): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => resolve(Buffer.concat(chunks, size).subarray(0, this.maxResponseBytes).toString('utf8'));
      body.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size < this.maxResponseBytes) return;
        body.destroy();
        done();
      });
      body.once('end', done);
      body.once('error', reject);
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.agent.close(), this.proxy?.close()]);
  }
}
