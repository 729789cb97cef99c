import { HttpException, HttpStatus } from '@nestjs/common';

/** Too many bytes are waiting for Kafka acknowledgements; the client should retry later. */
export class IngestBusyError extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      { title: 'Too many requests', detail: `ingest has too much data waiting for Kafka; retry after ${retryAfterSeconds} s` },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
