import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

/** Cell delimiters the importer reads: comma, semicolon (spreadsheets in many locales) and tab. */
export const CSV_DELIMITERS = { ',': ',', ';': ';', tab: '\t' } as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[keyof typeof CSV_DELIMITERS];

/** One CSV record and where it sits in the file, so an import can checkpoint and resume between records. */
export interface CsvRecord {
  /** 1-based line where the record starts (a quoted cell may hold newlines). */
  readonly firstLine: number;
  /** 1-based line where it ends: the next record starts on the line after. */
  readonly number: number;
  /** Byte offset just past the record: where reading resumes after it. */
  readonly end: number;
  /** The record as written, for the rejected file. */
  readonly text: string;
  readonly cells: string[];
}

export interface CsvHeader {
  readonly columns: string[];
  readonly delimiter: CsvDelimiter;
  /** Where the first data record starts. */
  readonly dataStart: { readonly offset: number; readonly line: number };
}

/**
 * The delimiter of a header line: whichever of `,` `;` tab occurs most (column names hold none
 * of them, so the header decides for the whole file). Comma when none occurs.
 */
export function detectDelimiter(headerLine: string): CsvDelimiter {
  const counts = Object.values(CSV_DELIMITERS).map((d) => [d, headerLine.split(d).length - 1] as const);
  const [best, count] = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return count > 0 ? best : ',';
}

function parserFor(delimiter: CsvDelimiter, maxRecordBytes: number, bom: boolean) {
  return parse({
    delimiter,
    // Both endings, even mixed: files pass through Windows and Unix tools.
    record_delimiter: ['\r\n', '\n'],
    bom,
    info: true,
    raw: true,
    // A row with the wrong cell count is reported by the mapper, naming both counts.
    relax_column_count: true,
    // A quote inside an unquoted cell (5" screen) is text.
    relax_quotes: true,
    max_record_size: maxRecordBytes,
  });
}

/** A quoting error: parsing cannot resynchronise after it, so the import stops there (what came before is checkpointed). */
export class CsvSyntaxError extends Error {
  constructor(
    /** The first line not yet read: the bad record starts there or later (csv-parse reports it before handing over the records before it in the same chunk). */
    readonly line: number,
    reason: string,
  ) {
    super(`CSV syntax error at or after line ${line}: ${reason}; fix the file there and run the same command again to resume`);
  }
}

/** The header record (BOM removed, delimiter given or detected) and where the data starts. */
export async function readCsvHeader(file: string, delimiter: CsvDelimiter | undefined, maxRecordBytes: number): Promise<CsvHeader> {
  let firstLine = '';
  for await (const chunk of createReadStream(file, { end: Math.min(maxRecordBytes, 65_535), encoding: 'utf8' })) {
    firstLine += chunk;
    if (firstLine.includes('\n')) break;
  }
  const chosen = delimiter ?? detectDelimiter(firstLine.replace(/^\uFEFF/, '').split('\n')[0]);
  const parser = createReadStream(file).pipe(parserFor(chosen, maxRecordBytes, true));
  let line = 1;
  for await (const { record, info, raw } of parser as AsyncIterable<{ record: string[]; info: { bytes: number }; raw: string }>) {
    const text = raw.replace(/\r?\n?$/, '');
    line += text.split('\n').length;
    if (text === '' && record.length === 1) continue; // blank lines before the header
    parser.destroy();
    return { columns: record.map((c) => c.trim()), delimiter: chosen, dataStart: { offset: info.bytes, line } };
  }
  throw new Error(`${file} has no header row`);
}

/**
 * The records of a CSV byte stream that starts at `start` (a record boundary), parsed by
 * csv-parse: RFC 4180 quoting, quoted delimiters and newlines, CRLF or LF. Offsets and line
 * numbers are absolute, so a checkpoint taken after any record resumes exactly there.
 */
export async function* readCsvRecords(source: NodeJS.ReadableStream, options: { delimiter: CsvDelimiter; start: { offset: number; line: number }; maxRecordBytes: number }): AsyncGenerator<CsvRecord> {
  const { start } = options;
  const parser = source.pipe(parserFor(options.delimiter, options.maxRecordBytes, false));
  // Lines are counted here: csv-parse counts a CRLF inside quotes as two.
  let line = start.line;
  try {
    for await (const { record, info, raw } of parser as AsyncIterable<{ record: string[]; info: { bytes: number }; raw: string }>) {
      const text = raw.replace(/\r?\n?$/, '');
      const firstLine = line;
      line += text.split('\n').length;
      if (text === '' && record.length === 1) continue; // a blank line
      yield { firstLine, number: line - 1, end: start.offset + info.bytes, text, cells: record };
    }
  } catch (error) {
    throw new CsvSyntaxError(line, (error as Error).message.replace(/ at line \d+.*$/s, ''));
  }
}
