import { startServices } from '@cuewire/platform';
import { segmenterTarget } from './segmenter.module.js';

await startServices([segmenterTarget]);
