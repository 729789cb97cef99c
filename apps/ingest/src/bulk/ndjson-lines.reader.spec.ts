import { readLines, type SourceLine } from './ndjson-lines.reader.js';

async function collect(chunks: string[], maxBytes = 100, start?: { offset: number; line: number }): Promise<SourceLine[]> {
  const lines: SourceLine[] = [];
  for await (const line of readLines(chunks.map((c) => Buffer.from(c)), maxBytes, start)) lines.push(line);
  return lines;
}

describe('NDJSON line reader', () => {
  it('splits lines across chunk boundaries and reports the byte offset after each', async () => {
    expect(await collect(['{"a":', '1}\n{"b"', ':2}\r\n', '\n{"c":3}'])).toEqual([
      { number: 1, text: '{"a":1}', end: 8 },
      { number: 2, text: '{"b":2}', end: 17 },
      { number: 3, text: '', end: 18 },
      { number: 4, text: '{"c":3}', end: 25 },
    ]);
  });

  it('reports a line longer than the limit without keeping it, and goes on', async () => {
    const lines = await collect(['x'.repeat(30), 'y'.repeat(30), '\nok\n'], 40);
    expect(lines).toEqual([
      { number: 1, text: undefined, end: 61 },
      { number: 2, text: 'ok', end: 64 },
    ]);
  });

  it('counts bytes, not characters, for multi-byte text', async () => {
    expect((await collect(['é\n']))[0]).toEqual({ number: 1, text: 'é', end: 3 });
  });

  it('continues numbering and offsets from a resume point', async () => {
    expect(await collect(['a\n'], 10, { offset: 100, line: 7 })).toEqual([{ number: 7, text: 'a', end: 102 }]);
  });
});
