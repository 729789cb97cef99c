import { Module } from '@nestjs/common';
import { KafkaModule } from '@cuewire/kafka-nest';
import type { ServiceTarget } from '@cuewire/platform';
import { RedisModule } from '@cuewire/redis';
import { CustomerActivityHandler } from './events/customer-activity.handler.js';
import { ProfileRepository } from './profiles/profile.repository.js';
import { segmenterEnvSchema } from './segmenter.env.js';

@Module({ imports: [KafkaModule, RedisModule], providers: [ProfileRepository, CustomerActivityHandler] })
export class SegmenterModule {}

export const segmenterTarget: ServiceTarget = { name: 'segmenter', module: SegmenterModule, env: segmenterEnvSchema };
