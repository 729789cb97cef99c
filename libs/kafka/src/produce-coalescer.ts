import type { OutgoingRecord } from './records.js';

export interface RecordSink<R = OutgoingRecord> {
  send(records: readonly R[]): Promise<void>;
}

interface Waiting<R> {
  readonly records: readonly R[];
  readonly bytes: number;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit for the produce path: the idempotent producer keeps one produce request in
 * flight, so one send per HTTP request would serialize requests on the broker round trip
 * (≈250–600 single-event requests/s here). While a send is in flight, new records wait and
 * all go out together in the next send; each caller still resolves only when its own records
 * are acknowledged, and a failed send fails exactly the callers whose records it carried.
 */
export class ProduceCoalescer<R = OutgoingRecord> implements RecordSink<R> {
  private waiting: Waiting<R>[] = [];
  private sending = false;

  /**
   * `sizeOf` weighs a record in bytes: a send also stays under `maxBytesPerSend`, since the
   * broker refuses a produce batch over its message size limit as a whole.
   */
  constructor(
    private readonly sink: RecordSink<R>,
    private readonly maxRecordsPerSend = 5_000,
    private readonly sizeOf: (record: R) => number = () => 0,
    private readonly maxBytesPerSend = 800_000,
  ) {}

  send(records: readonly R[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    let bytes = 0;
    for (const record of records) bytes += this.sizeOf(record);
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ records, bytes, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.waiting.length > 0) {
        const group: Waiting<R>[] = [];
        let count = 0;
        let bytes = 0;
        const fits = (next: Waiting<R>) => count + next.records.length <= this.maxRecordsPerSend && bytes + next.bytes <= this.maxBytesPerSend;
        while (this.waiting.length > 0 && (group.length === 0 || fits(this.waiting[0]))) {
          const next = this.waiting.shift()!;
          group.push(next);
          count += next.records.length;
          bytes += next.bytes;
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
