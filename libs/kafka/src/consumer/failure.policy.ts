import { PoisonRecordError, TransientError } from '../records.js';
import { RecordTooLargeError } from '../typed-producer.js';
import { RegistryUnavailableError, UndecodableRecordError } from '../avro-serde.js';

/**
 * What a failure says about the record being handled:
 * - `content`: the record itself can never be handled (invalid bytes, an unknown schema, a
 *   value the handler declares poison, an output too large for the broker). It goes to the
 *   dead-letter topic with the reason, and the consumer moves on.
 * - `infrastructure`: Kafka, Redis, the schema registry, PostgreSQL or the network failed. The
 *   record is retried until they are back, however long that takes; good data is never
 *   dead-lettered because a server blinked.
 * - `unknown`: anything else (a TypeError from an impossible value, a bug). Retried a few times
 *   in case it passes, then treated as content, so one record can never stop a partition.
 */
export type FailureKind = 'content' | 'infrastructure' | 'unknown';

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);
const INFRASTRUCTURE_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError', 'AbortError', 'TimeoutError', 'ConnectTimeoutError', 'SocketError']);
// Redis replies that mean "not now" (loading, fail-over, cluster resharding, a read-only replica).
const REDIS_BUSY = /^(LOADING|READONLY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|NOREPLICAS|BUSY|MOVED|ASK)\b|Connection is closed|Stream isn't writeable|Command timed out/;
// PostgreSQL SQLSTATE classes: connection exception, operator intervention, insufficient resources, serialization/deadlock.
const PG_TRANSIENT = /^(08|57P|53|40001|40P01)/;

export function classifyFailure(error: unknown): FailureKind {
  for (let e = error as (Error & { code?: unknown; cause?: unknown }) | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e instanceof PoisonRecordError || e instanceof UndecodableRecordError || e instanceof RecordTooLargeError) return 'content';
    if (e instanceof TransientError || e instanceof RegistryUnavailableError) return 'infrastructure';
    const code = typeof e.code === 'string' ? e.code : '';
    if (code.startsWith('PLT_KFK_') || NETWORK_CODES.has(code) || PG_TRANSIENT.test(code)) return 'infrastructure';
    if (INFRASTRUCTURE_NAMES.has(e.name) || REDIS_BUSY.test(e.message ?? '')) return 'infrastructure';
  }
  return 'unknown';
}

/** Attempts at start-up while Kafka is unreachable (backoff capped at 10 s: about five minutes). */
const START_RETRY_ATTEMPTS = 32;

/**
 * Runs a start-up step (joining a group, a first read of a topic), retrying it while Kafka is
 * unreachable for about five minutes, as services already wait for the registry: a replica
 * started during a broker outage (its metadata naming the dead broker) would otherwise exit.
 * Any other failure, the last one, or a failure once `stopping()` holds is thrown.
 */
export async function retryWhileUnreachable<R>(step: () => Promise<R>, onRetry: (error: unknown, failures: number) => void, stopping: () => boolean = () => false): Promise<R> {
  for (let failures = 0; ; failures++) {
    try {
      return await step();
    } catch (error) {
      if (stopping() || failures + 1 >= START_RETRY_ATTEMPTS || classifyFailure(error) !== 'infrastructure') throw error;
      onRetry(error, failures + 1);
      await new Promise((resolve) => setTimeout(resolve, backoffMs(failures, 500, 10_000)));
    }
  }
}

/** Exponential backoff with full jitter, capped. */
export function backoffMs(failures: number, baseMs = 100, capMs = 30_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(failures, 16));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** A failure's message for a dead letter or a log line, with its cause when that says more. */
export function describeFailure(error: unknown): string {
  const e = error as Error & { cause?: Error };
  const own = e?.message || String(error);
  return e?.cause?.message && !own.includes(e.cause.message) ? `${own} (${e.cause.message})` : own;
}
