import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** A client error with where it happened: `path` is a JSON path into the request body. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export class RequestValidationError extends HttpException {
  constructor(readonly errors: readonly FieldError[]) {
    super({ title: 'Invalid request', errors }, HttpStatus.BAD_REQUEST);
  }
}

/**
 * 413: one part of the request is larger than a configured bound. `limit` names the setting,
 * `max` its value, and `errors` where in the body the oversized part is.
 */
export class LimitExceededError extends HttpException {
  constructor(
    readonly limit: string,
    readonly max: number,
    readonly errors: readonly FieldError[],
  ) {
    super({ title: 'Payload too large', detail: errors.map((e) => `${e.path}: ${e.message}`).join('; '), limit, max, errors }, HttpStatus.PAYLOAD_TOO_LARGE);
  }
}

/**
 * Every error leaves as application/problem+json. Client errors say what was wrong and
 * where; anything unexpected is logged and answered 500 without internals. Fastify's own
 * client errors (malformed JSON, body too large) keep their 4xx status.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = this.describe(exception);
    if (status >= 500) this.logger.error(exception);
    void reply.status(status).header('content-type', 'application/problem+json').send({ status, ...body });
  }

  private describe(exception: unknown): { status: number; body: Record<string, unknown> } {
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      const body = typeof response === 'string' ? { title: response } : { title: exception.message, ...(response as object) };
      return { status: exception.getStatus(), body };
    }
    const fastifyError = exception as { statusCode?: number; code?: string; message?: string };
    if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return { status: fastifyError.statusCode, body: { title: fastifyError.message, code: fastifyError.code } };
    }
    return { status: 500, body: { title: 'Internal error' } };
  }
}
