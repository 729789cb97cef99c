/** What the progress line shows. */
export interface ProgressSnapshot {
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly lines: number;
  readonly accepted: number;
  readonly rejected: number;
}

const WIDTH = 30;

/**
 * Progress on stderr: a redrawn bar with rate and ETA on a terminal; on a pipe or a CI log,
 * one plain line every `intervalMs` (no carriage returns filling the log).
 */
export class ImportProgress {
  private readonly started = Date.now();
  private startBytes?: number;
  private startLines = 0;
  private lastPrint = 0;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly intervalMs: number,
    private readonly isTty = Boolean(out.isTTY),
  ) {}

  update(s: ProgressSnapshot, force = false): void {
    this.startBytes ??= s.bytesRead;
    if (this.startLines === 0) this.startLines = s.lines;
    const now = Date.now();
    if (!force && now - this.lastPrint < (this.isTty ? 200 : this.intervalMs)) return;
    this.lastPrint = now;
    const line = this.describe(s, (now - this.started) / 1000);
    this.out.write(this.isTty ? `\r\u001b[2K${line}` : `${line}\n`);
  }

  /** Leaves the bar's last state on its own line. */
  finish(s: ProgressSnapshot): void {
    this.update(s, true);
    if (this.isTty) this.out.write('\n');
  }

  describe(s: ProgressSnapshot, seconds: number): string {
    const fraction = s.totalBytes === 0 ? 1 : Math.min(1, s.bytesRead / s.totalBytes);
    const rate = seconds > 0 ? (s.lines - this.startLines) / seconds : 0;
    const byteRate = seconds > 0 ? (s.bytesRead - (this.startBytes ?? 0)) / seconds : 0;
    const eta = byteRate > 0 ? (s.totalBytes - s.bytesRead) / byteRate : undefined;
    const filled = Math.round(fraction * WIDTH);
    const bar = this.isTty ? `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ` : '';
    return (
      `${bar}${(fraction * 100).toFixed(1)}%  line ${s.lines.toLocaleString('en-US')}  ` +
      `accepted ${s.accepted.toLocaleString('en-US')}  rejected ${s.rejected.toLocaleString('en-US')}  ` +
      `${Math.round(rate).toLocaleString('en-US')} lines/s  ETA ${eta === undefined ? '?' : formatSeconds(eta)}`
    );
  }
}

export function formatSeconds(total: number): string {
  const s = Math.max(0, Math.round(total));
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
