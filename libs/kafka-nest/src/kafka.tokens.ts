import type { Logger } from '@nestjs/common';
import type { ConsumeLoopLogger } from '@cuewire/kafka';

export const KAFKA_SETTINGS = Symbol('KAFKA_SETTINGS');
/** Resolves once topics exist and schemas are registered. */
export const TOPICS_READY = Symbol('TOPICS_READY');

/** The Kafka library logs through a tiny interface; this maps it onto a Nest logger. */
export function toLoopLogger(logger: Logger): ConsumeLoopLogger {
  return {
    info: (obj, msg) => logger.log({ ...obj, msg }),
    warn: (obj, msg) => logger.warn({ ...obj, msg }),
    error: (obj, msg) => logger.error({ ...obj, msg }),
  };
}
