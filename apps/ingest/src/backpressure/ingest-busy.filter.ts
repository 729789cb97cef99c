import { ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IngestBusyError } from './ingest-busy.error.js';

/** 429 as problem+json, with the Retry-After header the platform filter does not know about. */
@Catch(IngestBusyError)
export class IngestBusyFilter implements ExceptionFilter {
  catch(error: IngestBusyError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply
      .status(429)
      .header('retry-after', String(error.retryAfterSeconds))
      .header('content-type', 'application/problem+json')
      .send({ status: 429, ...(error.getResponse() as object) });
  }
}
