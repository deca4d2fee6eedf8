// The parser on verifier logs from public reports (older kernels and loaders the live test
// cannot produce; src/verifier/fixtures/public-logs.yaml), and on bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadCatalogue } from './catalogue-file.js';
import { explainVerifierLog } from './explain.js';
import { parseVerifierLog, VerifierLogParser, MAX_LINE_CHARS } from './parse.js';

interface PublicLog {
  source: string;
  text: string;
  expect: {
    error: string;
    explanation: string;
    errno?: string;
    insn?: number;
    source?: string;
    program?: string;
    state?: string;
    processedInsns?: number;
    truncated?: string[];
  };
}

const logs = parse(
  readFileSync(new URL('./fixtures/public-logs.yaml', import.meta.url), 'utf8'),
) as PublicLog[];
const catalogue = loadCatalogue();

for (const log of logs) {
  test(`a public log is explained: ${log.source}`, () => {
    const report = explainVerifierLog(parseVerifierLog(log.text), catalogue);
    const { expect } = log;
    assert.equal(report.error, expect.error);
    assert.equal(report.explanation?.id, expect.explanation);
    if (expect.errno) assert.equal(report.errno, expect.errno);
    if (expect.insn !== undefined) assert.equal(report.insn?.index, expect.insn);
    if (expect.source) assert.equal(report.insn?.source, expect.source);
    if (expect.program) assert.equal(report.program, expect.program);
    if (expect.state) assert.equal(report.state, expect.state);
    if (expect.processedInsns) assert.equal(report.processedInsns, expect.processedInsns);
    assert.deepEqual(report.truncated, expect.truncated ?? []);
  });
}

test("a log embedded in crun's error, with escaped newlines undone by the caller, keeps its errno and the ENOSPC note", () => {
  const report = explainVerifierLog(
    parseVerifierLog(
      'Error: OCI runtime error: crun: bpf create `0: (61) r2 = *(u32 *)(r1 +0)\n1: (54) w2 &= 65535\n2: (61) r3 = *(u32 *)(r1 +0)\n`: No space left on device',
    ),
    catalogue,
  );
  assert.equal(report.errno, 'ENOSPC');
  assert.equal(report.errnoFrom, 'loader');
  assert.equal(report.insn?.index, 2);
  assert.match(report.notes.join(' '), /log buffer was too small/);
  assert.deepEqual(report.truncated, ['tail-missing']);
});

test('branch decisions are kept in both formats: "from X to Y:" and the inline state after a jump', () => {
  const old = parseVerifierLog(
    '9: (15) if r6 == 0x0 goto pc+55\nfrom 9 to 65: R0=inv0 R10=fp0\n65: (95) exit\nR0 !read_ok',
  );
  assert.deepEqual(
    old.path.map(({ from, to }) => [from, to]),
    [[9, 65]],
  );
  const inline = parseVerifierLog(
    '1: (15) if r2 == 0x0 goto pc+1 3: R1=ctx() R2=0 R10=fp0\n3: (95) exit\nR0 !read_ok',
  );
  assert.deepEqual(inline.path, [{ from: 1, to: 3, state: 'R1=ctx() R2=0 R10=fp0' }]);
  assert.equal(inline.insn?.text, 'exit');
});

test('memory is bounded: a long log keeps only recent instructions and branches; over-long lines are cut', () => {
  const parser = new VerifierLogParser();
  for (let i = 0; i < 200_000; i++) {
    parser.push(`${i}: (07) r1 += 1                     ; R1_w=${i}`);
    if (i % 10 === 0) parser.push(`from ${i} to ${i + 2}: R1=${i}`);
  }
  parser.push('x'.repeat(MAX_LINE_CHARS * 3));
  parser.push('BPF program is too large. Processed 1000001 insn');
  const parsed = parser.finish();
  assert.ok(parsed.recentInsns.length <= 12);
  assert.ok(parsed.path.length <= 8);
  assert.equal(parsed.insn?.index, 199_999);
  assert.equal(parsed.longLines, 1);
  assert.equal(parsed.error, 'BPF program is too large. Processed 1000001 insn');
});

test('text that is not a verifier log yields nothing to explain', () => {
  const parsed = parseVerifierLog('hello\nworld\nError: something else failed');
  assert.equal(parsed.verifierLines, 0);
  assert.equal(parsed.insn, null);
});

test("bcc's E2BIG message is the program-size limit, with what E2BIG can really mean", () => {
  // bcc's wording (iovisor/bcc#3725 reports it for a 113-instruction program).
  const report = explainVerifierLog(
    parseVerifierLog(
      'bpf: Argument list too long. Program  too large (113 insns), at most 4096 insns',
    ),
    catalogue,
  );
  assert.equal(report.explanation?.id, 'program-too-long');
  assert.equal(report.limit, 'program-size');
  assert.equal(report.errno, 'E2BIG');
  assert.match(report.explanation!.meaning, /with 113 instructions/);
});

test(
  'lines with long runs of spaces or tabs are parsed in linear time (200 instructions of 16 KB)',
  { timeout: 60_000 },
  () => {
    for (const pad of [' ', '\t']) {
      const lines = [
        ...Array.from({ length: 200 }, (_, index) => `${index}: (b7) r0 = 0${pad.repeat(16_000)}`),
        ...Array.from({ length: 200 }, (_, index) => `; source ${index}${pad.repeat(16_000)}`),
        `prog 'p': BPF program load failed: Permission denied${pad.repeat(16_000)}`,
        'R0 !read_ok',
      ];
      const parser = new VerifierLogParser();
      for (const line of lines) parser.push(line);
      const parsed = parser.finish();
      assert.equal(parsed.error, 'R0 !read_ok');
      assert.equal(parsed.loaderErrno, 'EACCES');
      assert.equal(parsed.insn?.text, 'r0 = 0');
    }
  },
);
