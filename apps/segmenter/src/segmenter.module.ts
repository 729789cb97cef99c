import { Module } from '@nestjs/common';
import { ConfigViewsModule, KafkaModule } from '@cuewire/kafka-nest';
import type { ServiceTarget } from '@cuewire/platform';
import { RedisModule } from '@cuewire/redis';
import { CustomerActivityHandler } from './events/customer-activity.handler.js';
import { ProfileRepository } from './profiles/profile.repository.js';
import { SegmentCatalog } from './segments/segment.catalog.js';
import { SegmentMembershipRepository } from './segments/segment-membership.repository.js';
import { SegmentReevaluationService } from './segments/segment-reevaluation.service.js';
import { segmenterEnvSchema } from './segmenter.env.js';

@Module({
  imports: [KafkaModule, ConfigViewsModule, RedisModule],
  providers: [ProfileRepository, SegmentCatalog, SegmentMembershipRepository, SegmentReevaluationService, CustomerActivityHandler],
})
export class SegmenterModule {}

export const segmenterTarget: ServiceTarget = { name: 'segmenter', module: SegmenterModule, env: segmenterEnvSchema };
