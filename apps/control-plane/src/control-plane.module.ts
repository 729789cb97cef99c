import { Module } from '@nestjs/common';
import { ApiKeysModule, ConfigViewsModule, KafkaModule } from '@cuewire/kafka-nest';
import type { ServiceTarget } from '@cuewire/platform';
import { RedisModule } from '@cuewire/redis';
import { ApiKeysController } from './api-keys/api-keys.controller.js';
import { ApiKeysService } from './api-keys/api-keys.service.js';
import { CampaignsController } from './campaigns/campaigns.controller.js';
import { CampaignsService } from './campaigns/campaigns.service.js';
import { TriggerOnDemandUseCase } from './campaigns/trigger-on-demand.usecase.js';
import { ConsoleAssets } from './console/console-assets.js';
import { ConsoleController } from './console/console.controller.js';
import { ConfigObjectStore } from './config-objects/config-object.store.js';
import { ConfigWriteLease } from './config-objects/config-write.lease.js';
import { controlPlaneEnvSchema } from './control-plane.env.js';
import { SegmentsController } from './segments/segments.controller.js';
import { SegmentsService } from './segments/segments.service.js';
import { CustomerProfileRepository } from './webhooks/customer-profile.repository.js';
import { WebhookOutbound } from './webhooks/webhook-outbound.provider.js';
import { WebhookPresetsController } from './webhooks/webhook-presets.controller.js';
import { WebhookTrialService } from './webhooks/webhook-trial.service.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';
import { WebhooksService } from './webhooks/webhooks.service.js';

@Module({
  // Redis: send test and preview can render with a stored customer profile; config writes are coordinated across replicas.
  imports: [KafkaModule, ConfigViewsModule, RedisModule, ApiKeysModule],
  controllers: [WebhooksController, WebhookPresetsController, CampaignsController, SegmentsController, ApiKeysController, ConsoleController],
  providers: [ConfigObjectStore, ConfigWriteLease, WebhooksService, WebhookOutbound, WebhookTrialService, CustomerProfileRepository, CampaignsService, TriggerOnDemandUseCase, SegmentsService, ApiKeysService, ConsoleAssets],
})
export class ControlPlaneModule {}

export const controlPlaneTarget: ServiceTarget = { name: 'control-plane', module: ControlPlaneModule, env: controlPlaneEnvSchema };
