import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ApiKeysModule, KafkaModule } from '@cuewire/kafka-nest';
import { APP_CONFIG, type ServiceTarget } from '@cuewire/platform';
import { RedisModule } from '@cuewire/redis';
import { InflightBytesAccountant } from './backpressure/inflight-bytes.accountant.js';
import { IngestAdmissionMiddleware } from './backpressure/ingest-admission.middleware.js';
import { BulkEventsController } from './bulk/bulk-events.controller.js';
import { IngestBulkUseCase } from './bulk/ingest-bulk.usecase.js';
import { NdjsonBodyParser } from './bulk/ndjson-body.parser.js';
import { EventDedupeRepository } from './dedupe/event-dedupe.repository.js';
import { AcceptEventsUseCase } from './events/accept-events.usecase.js';
import { EventPublisher } from './events/event.publisher.js';
import { EventsController } from './events/events.controller.js';
import { ingestEnvSchema, type IngestEnv } from './ingest.env.js';
import { ProfilesController } from './profiles/profiles.controller.js';
import { StoredProfileReader } from './profiles/stored-profile.reader.js';
import { UpsertProfileUseCase } from './profiles/upsert-profile.usecase.js';

@Module({
  imports: [KafkaModule, RedisModule, ApiKeysModule],
  controllers: [EventsController, BulkEventsController, ProfilesController],
  providers: [
    { provide: InflightBytesAccountant, inject: [APP_CONFIG], useFactory: (env: IngestEnv) => new InflightBytesAccountant(env.INGEST_MAX_INFLIGHT_BYTES) },
    EventDedupeRepository,
    EventPublisher,
    AcceptEventsUseCase,
    IngestBulkUseCase,
    UpsertProfileUseCase,
    StoredProfileReader,
    NdjsonBodyParser,
  ],
})
export class IngestModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(IngestAdmissionMiddleware).forRoutes(EventsController, BulkEventsController, ProfilesController);
  }
}

export const ingestTarget: ServiceTarget = { name: 'ingest', module: IngestModule, env: ingestEnvSchema };

// The launcher may import only `<app>.module.js` (lint boundary), so the command line is reached through here.
export { runCli } from './cli/cli.main.js';
