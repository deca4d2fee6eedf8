import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSignature } from '../kb/load.js';
import { SignatureSchema } from '../kb/schema.js';
import { matchSignature, toLogicalLines } from './scan.js';

const signature = (fields: Record<string, unknown>) =>
  compileSignature(SignatureSchema.parse(fields));

test('escaped newlines and quotes inside a log line become logical lines', () => {
  const lines = toLogicalLines('time="x" msg="first\\nsecond \\"quoted\\""\nplain line\n');
  assert.deepEqual(lines, [
    { line: 1, text: 'time="x" msg="first' },
    { line: 1, text: 'second "quoted""' },
    { line: 2, text: 'plain line' },
  ]);
});

test('double escaping (a JSON string inside a JSON string) is undone', () => {
  const lines = toLogicalLines('{"msg":"a\\\\nb"}');
  assert.deepEqual(
    lines.map((line) => line.text),
    ['{"msg":"a', 'b"}'],
  );
});

test('CRLF line ends are dropped', () => {
  assert.deepEqual(
    toLogicalLines('a\r\nb\r\n').map((line) => line.text),
    ['a', 'b'],
  );
});

test('a multi-line signature matches raw and escaped forms alike', () => {
  const sig = signature({
    name: 'spanning',
    start: 'begin `',
    pattern: 'begin `(?<body>[^`]*)`: (?<errno>No space left on device)',
  });
  const raw = toLogicalLines('x\nbegin `0: one\n1: two\n`: No space left on device\ny');
  const escaped = toLogicalLines(
    'msg="begin `0: one\\n1: two\\n`: No space left on device: unknown"',
  );
  for (const lines of [raw, escaped]) {
    const [match, ...rest] = matchSignature(sig, lines);
    assert.equal(rest.length, 0);
    assert.ok(match);
    assert.equal(match.captures.errno, 'ENOSPC');
    assert.equal(match.captures.errnoNumber, '28');
    assert.equal(match.captures.body, '0: one\n1: two\n');
  }
  assert.equal(matchSignature(sig, raw)[0]!.line, 2);
});

test('errno captures are normalised from numbers and names', () => {
  const sig = signature({ name: 'token', pattern: 'failed \\((?<errno>-\\d+)\\) to create' });
  const [match] = matchSignature(
    sig,
    toLogicalLines("libbpf: object 'x': failed (-95) to create BPF token"),
  );
  assert.equal(match!.captures.errno, 'EOPNOTSUPP');
  assert.equal(match!.captures.errnoText, '-95');
});

test('a declared errno fills in when the text does not name one', () => {
  const sig = signature({ name: 'big', pattern: 'BPF program is too large', errno: 'E2BIG' });
  const [match] = matchSignature(
    sig,
    toLogicalLines('BPF program is too large. Processed 1000001 insn'),
  );
  assert.equal(match!.captures.errno, 'E2BIG');
  assert.equal(match!.captures.errnoNumber, '7');
});

test('long lines are shown shortened around the match', () => {
  const sig = signature({ name: 'needle', pattern: 'needle' });
  const [match] = matchSignature(
    sig,
    toLogicalLines(`${'a'.repeat(5000)} needle ${'b'.repeat(5000)}`),
  );
  assert.ok(match!.text.length < 600);
  assert.match(match!.text, /needle/);
});
