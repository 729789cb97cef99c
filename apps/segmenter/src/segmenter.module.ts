import { Module } from '@nestjs/common';
import { ConfigViewsModule, KafkaModule } from '@cuewire/kafka-nest';
import type { ServiceTarget } from '@cuewire/platform';
import { RedisModule } from '@cuewire/redis';
import { CustomerActivityHandler } from './events/customer-activity.handler.js';
import { ProfileStateGuard } from './profiles/profile-state.guard.js';
import { ProfileRepository } from './profiles/profile.repository.js';
import { SegmentCatalog } from './segments/segment.catalog.js';
import { SegmentMembershipRepository } from './segments/segment-membership.repository.js';
import { SegmentReevaluationService } from './segments/segment-reevaluation.service.js';
import { segmenterEnvSchema } from './segmenter.env.js';

@Module({
  imports: [KafkaModule, ConfigViewsModule, RedisModule],
  providers: [ProfileRepository, ProfileStateGuard, SegmentCatalog, SegmentMembershipRepository, SegmentReevaluationService, CustomerActivityHandler],
})
export class SegmenterModule {}

export const segmenterTarget: ServiceTarget = { name: 'segmenter', module: SegmenterModule, env: segmenterEnvSchema };

// The launcher may import only `<app>.module.js` (lint boundary), so the command line is reached through here.
export { runSegmenterCli } from './cli/cli.main.js';
