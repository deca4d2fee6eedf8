// The byte line splitter against String.split on random texts cut into random chunks: the same
// lines, in blocks or one by one, with lines over the limit cut and counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineSplitter } from './input.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** What the splitter must give: the lines (a final newline ends the last), each cut at max bytes. */
function expected(text: string, max: number): { lines: string[]; longLines: number } {
  const lines = text.split('\n');
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  let longLines = 0;
  return {
    lines: lines.map((line) => {
      const bytes = Buffer.from(line);
      if (bytes.length <= max) return line;
      longLines++;
      return bytes.subarray(0, max).toString('utf8');
    }),
    longLines,
  };
}

function split(chunks: Buffer[], max: number, blocks: boolean) {
  const lines: string[] = [];
  const splitter = new LineSplitter(
    blocks
      ? { onBlock: (bytes) => lines.push(...bytes.toString('utf8').split('\n')) }
      : (line) => lines.push(line),
    max,
  );
  // The caller may reuse a chunk's buffer once push returns: scribble over each afterwards.
  for (const chunk of chunks) {
    splitter.push(chunk);
    chunk.fill(0x21);
  }
  splitter.end();
  return { lines, longLines: splitter.longLines };
}

test('lines from any chunking equal String.split, cut at the limit', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constantFrom('\n', 'é', '€', 'a', 'bpf ', '\r\n'), fc.string()), {
        maxLength: 60,
      }),
      fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }),
      fc.integer({ min: 4, max: 30 }),
      fc.boolean(),
      (parts, cuts, max, blocks) => {
        const text = parts.join('');
        const bytes = Buffer.from(text);
        const chunks: Buffer[] = [];
        for (let at = 0, i = 0; at < bytes.length; i++) {
          const size = cuts[i % cuts.length]!;
          chunks.push(Buffer.from(bytes.subarray(at, at + size)));
          at += size;
        }
        const got = split(chunks, max, blocks);
        const want = expected(text, max);
        if (text === '') assert.deepEqual(got.lines, []);
        else {
          assert.deepEqual(got.lines, want.lines);
          assert.equal(got.longLines, want.longLines);
        }
      },
    ),
    { numRuns: RUNS },
  );
});
