import { startServices } from '@cuewire/platform';
import { feedbackReceiverTarget } from './feedback-receiver.module.js';

await startServices([feedbackReceiverTarget]);
