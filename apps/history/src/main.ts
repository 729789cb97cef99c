import { startServices } from '@cuewire/platform';
import { historyTarget } from './history.module.js';

await startServices([historyTarget]);
