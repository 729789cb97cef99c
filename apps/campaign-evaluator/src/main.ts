import { startServices } from '@cuewire/platform';
import { campaignEvaluatorTarget } from './campaign-evaluator.module.js';

await startServices([campaignEvaluatorTarget]);
