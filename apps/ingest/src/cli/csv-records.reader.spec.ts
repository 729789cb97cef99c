import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CsvSyntaxError, detectDelimiter, readCsvHeader, readCsvRecords, type CsvRecord } from './csv-records.reader.js';

const dir = mkdtempSync(join(tmpdir(), 'cuewire-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileWith(name: string, content: string): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

async function recordsFrom(content: Buffer, from: { offset: number; line: number }, delimiter: ',' | ';' = ';'): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const r of readCsvRecords(Readable.from([content.subarray(from.offset)]), { delimiter, start: from, maxRecordBytes: 1_048_576 })) out.push(r);
  return out;
}

describe('CSV records for the importer', () => {
  // A spreadsheet export: BOM, semicolons, CRLF, a quoted cell holding newlines and the delimiter.
  const content = Buffer.from('\uFEFFcustomerId;type;note\r\nc-1;purchase;"two\r\nlines; and ""quotes"""\r\n\r\nc-2;refund;Zoë\r\nc-3;purchase;5" screen\r\n');

  it('reads the header: BOM removed, delimiter detected, data starting after it', async () => {
    const header = await readCsvHeader(fileWith('bom.csv', content.toString()), undefined, 1_048_576);
    expect(header).toEqual({ columns: ['customerId', 'type', 'note'], delimiter: ';', dataStart: { offset: Buffer.byteLength('\uFEFFcustomerId;type;note\r\n'), line: 2 } });
  });

  it('detects comma, semicolon or tab from the header line, comma by default', () => {
    expect(detectDelimiter('customerId,type,"a;b"')).toBe(',');
    expect(detectDelimiter('customerId;type;total')).toBe(';');
    expect(detectDelimiter('customerId\ttype')).toBe('\t');
    expect(detectDelimiter('customerId')).toBe(',');
  });

  it('reads quoted newlines, delimiters and quotes, with each record’s lines and end offset', async () => {
    const header = await readCsvHeader(fileWith('all.csv', content.toString()), undefined, 1_048_576);
    const records = await recordsFrom(content, header.dataStart);
    expect(records.map(({ cells, firstLine, number }) => ({ cells, firstLine, number }))).toEqual([
      { cells: ['c-1', 'purchase', 'two\r\nlines; and "quotes"'], firstLine: 2, number: 3 },
      { cells: ['c-2', 'refund', 'Zoë'], firstLine: 5, number: 5 },
      { cells: ['c-3', 'purchase', '5" screen'], firstLine: 6, number: 6 },
    ]);
    expect(records.at(-1)!.end).toBe(content.length);
    expect(records[0].text).toBe('c-1;purchase;"two\r\nlines; and ""quotes"""');
  });

  it('resumes from any record’s end offset with the same records and line numbers after it', async () => {
    const header = await readCsvHeader(fileWith('resume.csv', content.toString()), undefined, 1_048_576);
    const all = await recordsFrom(content, header.dataStart);
    for (const [i, record] of all.entries()) {
      const rest = await recordsFrom(content, { offset: record.end, line: record.number + 1 });
      expect(rest).toEqual(all.slice(i + 1));
    }
  });

  it('stops at a quote that is never closed, naming the line', async () => {
    const broken = Buffer.from('a,b\nc-1,ok\nc-2,"never closed\nc-3,x\n');
    await expect(recordsFrom(broken, { offset: 4, line: 2 }, ',')).rejects.toThrow(CsvSyntaxError);
    await expect(recordsFrom(broken, { offset: 4, line: 2 }, ',')).rejects.toThrow(/at or after line 2: Quote Not Closed/);
  });
});
