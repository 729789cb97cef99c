import { startServices } from '@cuewire/platform';
import { ingestTarget } from './ingest.module.js';

await startServices([ingestTarget]);
