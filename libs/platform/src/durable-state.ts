/**
 * What a consume loop waits for before it commits offsets: every write the process made to its
 * state store before the call has reached the store's replicas. A rejection means "not yet";
 * the commit is skipped and offered again. Provided by the Redis module; absent in a process
 * without Redis.
 */
export interface DurableState {
  replicated(): Promise<void>;
}

export const DURABLE_STATE = Symbol('DURABLE_STATE');
