import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { configEtag } from './config-etag.js';

/**
 * Sets `ETag` on answers that show one config object (GET, PUT, POST create and rotate): its
 * revision (`revision`, `version` for campaigns) and `updatedAt`. Clients send it back as
 * If-Match on PUT, DELETE and rotate to change only what they read.
 */
@Injectable()
export class ConfigEtagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        const shown = body as { revision?: unknown; version?: unknown; updatedAt?: unknown } | undefined;
        const revision = shown?.revision ?? shown?.version;
        if (shown && !Array.isArray(shown) && typeof revision === 'number' && typeof shown.updatedAt === 'string') {
          void reply.header('etag', configEtag(revision, Date.parse(shown.updatedAt)));
        }
        return body;
      }),
    );
  }
}
