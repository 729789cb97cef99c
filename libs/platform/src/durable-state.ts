/**
 * What a consume loop relies on before it commits offsets: the writes the process made to its
 * state store have reached the store's replicas, and none it was told were written has been lost
 * since. Provided by the Redis module; absent in a process without Redis.
 */
export interface DurableState {
  /**
   * Resolves once every write the process made before the call has reached the store's
   * replicas. A rejection means "not yet": the commit is skipped and offered again.
   */
  replicated(): Promise<void>;
  /**
   * Counts the moments writes already acknowledged may have been lost: a connection to a master
   * ended (killed, failed over) or a master became a replica, and what was written through it
   * since the last confirmation can no longer be confirmed (a later `replicated()` asks the new
   * masters, which never had it). A consume loop that sees the count move since it last started
   * from its committed offsets starts from them again instead of committing.
   */
  readonly losses: number;
}

export const DURABLE_STATE = Symbol('DURABLE_STATE');
