import { Module } from '@nestjs/common';
import { KafkaModule } from '@cuewire/kafka-nest';
import type { ServiceTarget } from '@cuewire/platform';
import { EngagementsController } from './engagements/engagements.controller.js';
import { RecordEngagementUseCase } from './engagements/record-engagement.usecase.js';
import { feedbackReceiverEnvSchema } from './feedback-receiver.env.js';

@Module({ imports: [KafkaModule], controllers: [EngagementsController], providers: [RecordEngagementUseCase] })
export class FeedbackReceiverModule {}

export const feedbackReceiverTarget: ServiceTarget = { name: 'feedback-receiver', module: FeedbackReceiverModule, env: feedbackReceiverEnvSchema };
