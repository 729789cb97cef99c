/** One line of an NDJSON (or CSV) byte stream. */
export interface SourceLine {
  /** 1-based line number in the whole input. */
  readonly number: number;
  /** The line without its newline (and without a trailing CR); undefined when it exceeded maxBytes. */
  readonly text: string | undefined;
  /** Byte offset just past this line's newline: where reading resumes after it. */
  readonly end: number;
}

/**
 * Splits a byte stream into lines without ever holding more than one line (at most maxBytes)
 * plus one chunk: a huge line is skipped and reported, not buffered. Byte offsets let an
 * importer checkpoint exactly where it stopped.
 */
export async function* readLines(source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, maxBytes: number, start = { offset: 0, line: 1 }): AsyncGenerator<SourceLine> {
  let parts: Buffer[] = [];
  let kept = 0;
  let length = 0;
  let tooLong = false;
  let offset = start.offset;
  let number = start.line;

  const append = (piece: Buffer) => {
    length += piece.length;
    if (tooLong || piece.length === 0) return;
    if (kept + piece.length > maxBytes) {
      [tooLong, parts, kept] = [true, [], 0];
      return;
    }
    parts.push(piece);
    kept += piece.length;
  };
  const finish = (newline: number): SourceLine => {
    offset += length + newline;
    let text: string | undefined;
    if (!tooLong) {
      text = (parts.length === 1 ? parts[0] : Buffer.concat(parts)).toString('utf8');
      if (text.endsWith('\r')) text = text.slice(0, -1);
    }
    const line = { number: number++, text, end: offset };
    [parts, kept, length, tooLong] = [[], 0, 0, false];
    return line;
  };

  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let from = 0;
    for (let nl = buf.indexOf(0x0a, from); nl !== -1; nl = buf.indexOf(0x0a, from)) {
      append(buf.subarray(from, nl));
      from = nl + 1;
      yield finish(1);
    }
    append(buf.subarray(from));
  }
  if (length > 0 || tooLong) yield finish(0);
}
