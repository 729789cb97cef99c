import { Module } from '@nestjs/common';
import { KafkaModule } from '@cuewire/kafka-nest';
import type { ServiceTarget } from '@cuewire/platform';
import { AcceptEventsUseCase } from './events/accept-events.usecase.js';
import { EventsController } from './events/events.controller.js';
import { ingestEnvSchema } from './ingest.env.js';
import { ProfilesController } from './profiles/profiles.controller.js';
import { UpsertProfileUseCase } from './profiles/upsert-profile.usecase.js';

@Module({
  imports: [KafkaModule],
  controllers: [EventsController, ProfilesController],
  providers: [AcceptEventsUseCase, UpsertProfileUseCase],
})
export class IngestModule {}

export const ingestTarget: ServiceTarget = { name: 'ingest', module: IngestModule, env: ingestEnvSchema };
