import calculateSlot from 'cluster-key-slot';

/**
 * The Redis Cluster hash slots `keys` fall in once the install's prefix is put in front (the
 * server hashes the whole key, or only its first `{…}` tag): a script, MULTI or multi-key
 * command is legal on a Cluster only when this holds one slot.
 */
export function slotsOf(keys: readonly string[], prefix = ''): Set<number> {
  return new Set(keys.map((key) => calculateSlot(prefix + key)));
}
