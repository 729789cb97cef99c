// Stops what global-setup started (nothing that was already running, nothing external).
import { infraDown } from '../../tools/infra/infra.mjs';

export default async function globalTeardown() {
  if (globalThis.__cuewireInfraStarted?.length) await infraDown({ profile: 'test', log: () => undefined });
}
