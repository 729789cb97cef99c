import type { Readable } from 'node:stream';
import { Readable as ReadableStream } from 'node:stream';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { APP_CONFIG } from '@cuewire/platform';
import type { FeedbackReceiverEnv } from '../feedback-receiver.env.js';

/** Routes whose signatures are computed over the exact bytes received. */
export const RAW_BODY_PREFIX = '/v1/feedback/';

const rawBodies = new WeakMap<object, Buffer>();

/** The exact request bytes of a callback under RAW_BODY_PREFIX (empty when there was no body). */
export function rawBodyOf(request: FastifyRequest): Buffer {
  return rawBodies.get(request.raw) ?? Buffer.alloc(0);
}

class PayloadTooLargeError extends Error {
  readonly statusCode = 413;
  readonly code = 'FST_ERR_CTP_BODY_TOO_LARGE';
  constructor(limit: number) {
    super(`Request body is too large: at most ${limit} bytes`);
  }
}

/**
 * Keeps the raw bytes of callback requests. A `preParsing` hook reads the stream (bounded by
 * HTTP_BODY_LIMIT_BYTES), remembers it and hands the same bytes on to whatever body parser the
 * platform registered. Done here rather than with Nest's `rawBody` option so the platform's
 * parsers stay untouched and other services in the same process don't keep copies of bodies.
 */
@Injectable()
export class RawBodyCapture implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: FeedbackReceiverEnv,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const limit = this.config.HTTP_BODY_LIMIT_BYTES;
    fastify.addHook('preParsing', async (request, _reply, payload) => {
      if (!request.url.startsWith(RAW_BODY_PREFIX)) return payload;
      const raw = await readBounded(payload, limit, Number(request.headers['content-length'] ?? 0));
      rawBodies.set(request.raw, raw);
      return ReadableStream.from([raw]);
    });
  }
}

async function readBounded(stream: Readable, limit: number, declared: number): Promise<Buffer> {
  if (declared > limit) {
    stream.resume();
    throw new PayloadTooLargeError(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      stream.destroy();
      throw new PayloadTooLargeError(limit);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
