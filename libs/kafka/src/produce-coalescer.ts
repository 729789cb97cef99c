import type { OutgoingRecord } from './records.js';

export interface RecordSink<T = OutgoingRecord> {
  send(records: readonly T[]): Promise<void>;
}

interface Waiting<T> {
  readonly records: readonly T[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit for the produce path: the idempotent producer keeps one produce request in
 * flight, so one send per HTTP request would serialize requests on the broker round trip
 * (≈250–600 single-event requests/s here). A send starts at the end of the turn of the event
 * loop that first asked for it, carrying every record asked for in that turn; while a send is
 * in flight, new records wait and all go out together in the next send. Each caller still
 * resolves only when its own records are acknowledged, and a failed send fails exactly the
 * callers whose records it carried.
 */
export class ProduceCoalescer<T = OutgoingRecord> implements RecordSink<T> {
  private waiting: Waiting<T>[] = [];
  private sending = false;

  constructor(
    private readonly sink: RecordSink<T>,
    private readonly maxRecordsPerSend = 5_000,
  ) {}

  send(records: readonly T[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ records, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      // The first send waits out the current turn of the event loop, so that the callers it
      // holds (records finished by one Redis reply, or fetched together) share it: at a trickle
      // the first record of each fetch otherwise went alone, the rest in a second request.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.waiting.length > 0) {
        const group: Waiting<T>[] = [];
        let count = 0;
        while (this.waiting.length > 0 && (group.length === 0 || count + this.waiting[0].records.length <= this.maxRecordsPerSend)) {
          const next = this.waiting.shift()!;
          group.push(next);
          count += next.records.length;
        }
        try {
          await this.sink.send(group.flatMap((w) => w.records));
          group.forEach((w) => w.resolve());
        } catch (error) {
          group.forEach((w) => w.reject(error));
        }
      }
    } finally {
      this.sending = false;
    }
  }
}
