import { startServices } from '@cuewire/platform';
import { controlPlaneTarget } from './control-plane.module.js';

await startServices([controlPlaneTarget]);
