import { closeSync, createReadStream, existsSync, ftruncateSync, openSync, realpathSync, statSync, writeSync } from 'node:fs';
import type { OutgoingRecord } from '@cuewire/kafka';
import type { FieldError } from '@cuewire/platform';
import { readLines } from '../bulk/ndjson-lines.reader.js';
import { CsvSyntaxError, readCsvHeader, readCsvRecords, type CsvDelimiter } from './csv-records.reader.js';
import { loadCheckpoint, rejectedPath, saveCheckpoint, startingCheckpoint, type ImportCheckpoint } from './import-checkpoint.js';
import { ImportProgress } from './import-progress.js';
import { ImportRecordMapper, type ImportFormat, type ImportKind } from './import-record.mapper.js';

/** Where records go; the TypedProducer (idempotent, acks=all) in production. Resolves once acknowledged. */
export interface ImportSink {
  send(records: readonly OutgoingRecord[]): Promise<void>;
}

export interface ImportOptions {
  readonly kind: ImportKind;
  readonly file: string;
  readonly format?: ImportFormat;
  /** CSV cell delimiter; detected from the header row when absent. */
  readonly delimiter?: CsvDelimiter;
  readonly batchSize?: number;
  /** Batches sent but not yet acknowledged; checkpoints still advance strictly in order. */
  readonly inFlight?: number;
  readonly maxLineBytes?: number;
  readonly maxFutureSeconds?: number;
  readonly progressIntervalMs?: number;
  readonly progressOut?: NodeJS.WriteStream;
  /** Stops reading (Ctrl-C): batches already sent are awaited and checkpointed. */
  readonly signal?: AbortSignal;
}

export interface ImportSummary {
  readonly file: string;
  readonly kind: ImportKind;
  readonly resumedFromLine: number;
  readonly lines: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly rejectedFile?: string;
  readonly complete: boolean;
  readonly seconds: number;
}

/** One unit of input: an NDJSON line, or a CSV record (which may span lines). */
interface SourceUnit {
  /** Line where the unit starts (errors and derived event ids name it). */
  readonly firstLine: number;
  /** Line where it ends; reading resumes on the next. */
  readonly number: number;
  /** Byte offset just past it. */
  readonly end: number;
  /** The text as written; undefined for an NDJSON line over the size limit. */
  readonly text: string | undefined;
  /** A CSV record's cells. */
  readonly cells?: readonly string[];
}

interface SentBatch {
  readonly acked: Promise<void>;
  readonly end: SourceUnit;
  readonly accepted: number;
  readonly rejectedLines: string[];
}

/**
 * `cuewire import events|profiles FILE`: reads the file line by line (CSV: record by record,
 * through csv-parse, so quoted cells may hold newlines), validates each as
 * the HTTP API would, produces valid ones straight to Kafka in acknowledged batches, and
 * writes bad ones (with reasons) to FILE.rejected.ndjson. After each acknowledged batch it
 * checkpoints the byte offset, so a killed import resumes after the last acknowledged batch:
 * nothing is lost, and at most the unacknowledged batches are sent twice (same event ids).
 */
export async function runImport(sink: ImportSink, options: ImportOptions): Promise<ImportSummary> {
  const { kind, file } = options;
  const format = options.format ?? (/\.csv$/i.test(file) ? 'csv' : 'ndjson');
  const size = statSync(file).size;
  const started = Date.now();
  let state: ImportCheckpoint = loadCheckpoint(file, kind, size) ?? startingCheckpoint(kind, size);
  const resumedFromLine = state.line;
  const summary = (complete: boolean): ImportSummary => ({
    file, kind, resumedFromLine, lines: state.line - 1, accepted: state.accepted, rejected: state.rejected,
    rejectedFile: state.rejected > 0 ? rejectedPath(file) : undefined, complete, seconds: (Date.now() - started) / 1000,
  });
  if (state.done) return summary(true);

  const mapper = new ImportRecordMapper(kind, format, `${realpathSync(file)}`, (options.maxFutureSeconds ?? 86_400) * 1000);
  const maxLineBytes = options.maxLineBytes ?? 1_048_576;
  let delimiter: CsvDelimiter | undefined;
  if (format === 'csv') {
    const header = await readCsvHeader(file, options.delimiter, maxLineBytes);
    mapper.setColumns(header.columns);
    delimiter = header.delimiter;
    if (state.offset < header.dataStart.offset) state = { ...state, offset: header.dataStart.offset, line: header.dataStart.line };
  }
  // Rejected lines of batches that were never checkpointed are dropped: they will be read again.
  const rejectedFd = openSync(rejectedPath(file), existsSync(rejectedPath(file)) ? 'r+' : 'w');
  ftruncateSync(rejectedFd, state.rejectedBytes);
  const progress = new ImportProgress(options.progressOut ?? process.stderr, options.progressIntervalMs ?? 5_000);
  const batchSize = options.batchSize ?? 1_000;
  const sent: SentBatch[] = [];
  let records: OutgoingRecord[] = [];
  let rejectedLines: string[] = [];
  let lastLine: SourceUnit | undefined;
  let read = { bytes: state.offset, lines: state.line - 1 };

  const commitOldest = async () => {
    const batch = sent.shift()!;
    await batch.acked;
    let rejectedBytes = state.rejectedBytes;
    for (const line of batch.rejectedLines) rejectedBytes += writeSync(rejectedFd, line, rejectedBytes);
    state = { ...state, offset: batch.end.end, line: batch.end.number + 1, accepted: state.accepted + batch.accepted, rejected: state.rejected + batch.rejectedLines.length, rejectedBytes };
    saveCheckpoint(file, state);
  };
  const dispatch = async () => {
    if (!lastLine || (records.length === 0 && rejectedLines.length === 0)) return;
    const acked = records.length > 0 ? sink.send(records) : Promise.resolve();
    acked.catch(() => undefined); // awaited in order by commitOldest
    sent.push({ acked, end: lastLine, accepted: records.length, rejectedLines });
    [records, rejectedLines] = [[], []];
    while (sent.length >= (options.inFlight ?? 4)) await commitOldest();
  };

  try {
    const stream = createReadStream(file, { start: state.offset, highWaterMark: 1_048_576 });
    const start = { offset: state.offset, line: state.line };
    const units: AsyncIterable<SourceUnit> = delimiter
      ? readCsvRecords(stream, { delimiter, start, maxRecordBytes: maxLineBytes })
      : (async function* () {
          for await (const line of readLines(stream, maxLineBytes, start)) yield { ...line, firstLine: line.number };
        })();
    // A CSV quoting error ends reading; what was read before it is still sent and checkpointed.
    let failure: CsvSyntaxError | undefined;
    try {
      for await (const line of units) {
        lastLine = line;
        read = { bytes: line.end, lines: line.number };
        const problems = mapUnit(mapper, line);
        if (Array.isArray(problems)) rejectedLines.push(`${JSON.stringify({ line: line.firstLine, errors: problems, text: line.text })}\n`);
        else if (problems) records.push(problems.record);
        if (records.length + rejectedLines.length >= batchSize) await dispatch();
        progress.update({ bytesRead: read.bytes, totalBytes: size, lines: read.lines, accepted: state.accepted, rejected: state.rejected });
        if (options.signal?.aborted) break;
      }
    } catch (error) {
      // Only a syntax error: a failed send must stop before any later checkpoint.
      if (!(error instanceof CsvSyntaxError)) throw error;
      failure = error;
    }
    await dispatch();
    while (sent.length > 0) await commitOldest();
    if (failure) throw failure;
    const complete = !options.signal?.aborted;
    if (complete) saveCheckpoint(file, (state = { ...state, done: true }));
    progress.finish({ bytesRead: state.offset, totalBytes: size, lines: state.line - 1, accepted: state.accepted, rejected: state.rejected });
    return summary(complete);
  } finally {
    closeSync(rejectedFd);
  }
}

function mapUnit(mapper: ImportRecordMapper, unit: SourceUnit): ReturnType<ImportRecordMapper['map']> | undefined {
  if (unit.text === undefined) return [{ path: '$', message: 'line is too long' } satisfies FieldError];
  if (unit.cells) return mapper.mapRow(unit.cells, unit.firstLine);
  if (unit.text.trim() === '') return undefined;
  return mapper.map(unit.text, unit.firstLine);
}
