import { Module } from '@nestjs/common';
import { ConfigViewsModule, KafkaModule } from '@cuewire/kafka-nest';
import type { ServiceTarget } from '@cuewire/platform';
import { RedisModule } from '@cuewire/redis';
import { WebhookCatalog } from './catalog/webhook.catalog.js';
import { DeliveryMarksRepository } from './deliveries/delivery-marks.repository.js';
import { WebhookHttp } from './deliveries/webhook-http.provider.js';
import { WebhookRequestHandler } from './deliveries/webhook-request.handler.js';
import { dispatcherEnvSchema } from './dispatcher.env.js';

@Module({
  imports: [KafkaModule, ConfigViewsModule, RedisModule],
  providers: [WebhookCatalog, DeliveryMarksRepository, WebhookHttp, WebhookRequestHandler],
})
export class DispatcherModule {}

export const dispatcherTarget: ServiceTarget = { name: 'dispatcher', module: DispatcherModule, env: dispatcherEnvSchema };
