import { startServices } from '@cuewire/platform';
import { selectTargets } from './targets.js';

// The single binary, many targets (Loki/Mimir style): CUEWIRE_TARGETS=all runs every
// service in this process; CUEWIRE_TARGETS=ingest,dispatcher runs just those.
await startServices(selectTargets(process.env.CUEWIRE_TARGETS ?? 'all'));
