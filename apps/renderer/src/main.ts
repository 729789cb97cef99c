import { startServices } from '@cuewire/platform';
import { rendererTarget } from './renderer.module.js';

await startServices([rendererTarget]);
