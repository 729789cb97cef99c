import type { SnapshotProgress } from '@cuewire/kafka';

/** Share of the topic's offsets read, 0..1 (an empty topic is done). */
export function fractionDone(p: Pick<SnapshotProgress, 'offsetsDone' | 'offsetsTotal'>): number {
  return p.offsetsTotal === 0n ? 1 : Number((p.offsetsDone * 10_000n) / p.offsetsTotal) / 10_000;
}

/** One progress line: `42.0%  84,000 records  12,345 records/s  ETA 6s`. */
export function describeProgress(p: SnapshotProgress, seconds: number): string {
  const fraction = fractionDone(p);
  const rate = seconds > 0 ? p.records / seconds : 0;
  const eta = fraction > 0 && fraction < 1 ? Math.round((seconds * (1 - fraction)) / fraction) : 0;
  const count = (n: number) => n.toLocaleString('en-US');
  return (
    `${(fraction * 100).toFixed(1)}%  ${count(p.records)} records  ${count(Math.round(rate))} records/s  ETA ${eta}s` +
    (p.undecodable > 0 ? `  (${count(p.undecodable)} undecodable)` : '')
  );
}

/** Prints a progress line at most every `intervalMs`, and always the last one. */
export class RebuildProgress {
  private readonly started = Date.now();
  private lastPrint = 0;

  constructor(
    private readonly write: (line: string) => void,
    private readonly intervalMs: number,
  ) {}

  get seconds(): number {
    return (Date.now() - this.started) / 1000;
  }

  update(p: SnapshotProgress, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastPrint < this.intervalMs) return;
    this.lastPrint = now;
    this.write(describeProgress(p, this.seconds));
  }
}
