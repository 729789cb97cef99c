import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

export const NDJSON = 'application/x-ndjson';

/**
 * Hands application/x-ndjson bodies to the handler as the raw request stream, so the bulk
 * endpoint reads them line by line instead of Fastify buffering them whole (the body limit
 * does not apply; the line limit and the in-flight bound do).
 */
@Injectable()
export class NdjsonBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (fastify.hasContentTypeParser(NDJSON)) return;
    fastify.addContentTypeParser(NDJSON, { bodyLimit: Number.MAX_SAFE_INTEGER }, (_req, payload, done) => done(null, payload));
  }
}
