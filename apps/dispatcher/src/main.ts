import { startServices } from '@cuewire/platform';
import { dispatcherTarget } from './dispatcher.module.js';

await startServices([dispatcherTarget]);
