import { Module } from '@nestjs/common';
import { ApiKeysModule, KafkaModule } from '@cuewire/kafka-nest';
import type { ServiceTarget } from '@cuewire/platform';
import { RedisModule } from '@cuewire/redis';
import { EngagementMarksRepository } from './engagements/engagement-marks.repository.js';
import { EngagementsController } from './engagements/engagements.controller.js';
import { RecordEngagementsUseCase } from './engagements/record-engagements.usecase.js';
import { feedbackReceiverEnvSchema } from './feedback-receiver.env.js';
import { ProviderCallbacksController } from './http/provider-callbacks.controller.js';
import { RawBodyCapture } from './http/raw-body.capture.js';
import { ReceiveSendgridEventsUseCase } from './sendgrid/receive-sendgrid-events.usecase.js';
import { ReceiveSmartechActivitiesUseCase } from './smartech/receive-smartech-activities.usecase.js';
import { ReceiveStandardWebhookUseCase } from './standard-webhooks/receive-standard-webhook.usecase.js';
import { TrackEngagementUseCase } from './tracking/track-engagement.usecase.js';
import { TrackingController } from './tracking/tracking.controller.js';
import { ReceiveTwilioStatusUseCase } from './twilio/receive-twilio-status.usecase.js';

@Module({
  imports: [KafkaModule, RedisModule, ApiKeysModule],
  controllers: [EngagementsController, ProviderCallbacksController, TrackingController],
  providers: [
    RawBodyCapture,
    EngagementMarksRepository,
    RecordEngagementsUseCase,
    ReceiveSendgridEventsUseCase,
    ReceiveTwilioStatusUseCase,
    ReceiveStandardWebhookUseCase,
    ReceiveSmartechActivitiesUseCase,
    TrackEngagementUseCase,
  ],
})
export class FeedbackReceiverModule {}

export const feedbackReceiverTarget: ServiceTarget = { name: 'feedback-receiver', module: FeedbackReceiverModule, env: feedbackReceiverEnvSchema };
