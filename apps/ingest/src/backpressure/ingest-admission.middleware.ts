import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { APP_CONFIG } from '@cuewire/platform';
import type { IngestEnv } from '../ingest.env.js';
import { InflightBytesAccountant } from './inflight-bytes.accountant.js';

export const RETRY_AFTER_SECONDS = 1;

/**
 * Runs before a request body is read: refuses new ingest requests while the producer is
 * saturated (a flood then costs headers, not megabytes of buffered bodies), and answers a
 * declared-oversized JSON body with a 413 that names the limit and the bulk alternative.
 */
@Injectable()
export class IngestAdmissionMiddleware implements NestMiddleware {
  constructor(
    private readonly accountant: InflightBytesAccountant,
    @Inject(APP_CONFIG) private readonly config: IngestEnv,
  ) {}

  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    if (this.accountant.saturated) {
      return refuse(res, 429, { 'retry-after': String(RETRY_AFTER_SECONDS) }, 'Too many requests', `ingest has too much data waiting for Kafka; retry after ${RETRY_AFTER_SECONDS} s`);
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    const streamed = (req.headers['content-type'] ?? '').startsWith('application/x-ndjson');
    if (!streamed && declared > this.config.HTTP_BODY_LIMIT_BYTES) {
      return refuse(res, 413, {}, 'Request body is too large', `the body is ${declared} bytes; the limit is ${this.config.HTTP_BODY_LIMIT_BYTES} bytes (HTTP_BODY_LIMIT_BYTES). Send large volumes to POST /v1/events/bulk as application/x-ndjson`);
    }
    next();
  }
}

function refuse(res: ServerResponse, status: number, headers: Record<string, string>, title: string, detail: string): void {
  // The body is not read, so the connection cannot be reused.
  res.writeHead(status, { 'content-type': 'application/problem+json', connection: 'close', ...headers });
  res.end(JSON.stringify({ status, title, detail }));
}
