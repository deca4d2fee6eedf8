// Unescaping of quoted log lines, and what a match carries (errno captures, shortened text),
// seen through diagnose: the streaming scanner is the only caller of the matchers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryYaml, kbFromYaml } from '../../test/kb-fixtures.js';
import { diagnose } from './diagnose.js';
import { unescapeLine } from './scan.js';

/** The matches of one entry with this signature (and extra signature fields) in the text. */
function matchesOf(pattern: string, text: string, signatureFields = '') {
  const yaml = entryYaml('probe', pattern).replace(
    '    priority: 0',
    `    priority: 0${signatureFields}`,
  );
  const [finding] = diagnose([{ name: 'log', text }], {}, kbFromYaml(yaml)).findings;
  return { matches: finding?.matches ?? [], occurrences: finding?.occurrences ?? 0 };
}

test('escaped newlines and quotes inside a log line become logical lines', () => {
  assert.deepEqual(unescapeLine('time="x" msg="first\\nsecond \\"quoted\\""'), [
    'time="x" msg="first',
    'second "quoted""',
  ]);
});

test('double escaping (a JSON string inside a JSON string) is undone; CR line ends dropped', () => {
  assert.deepEqual(unescapeLine('{"msg":"a\\\\nb"}'), ['{"msg":"a', 'b"}']);
  assert.deepEqual(unescapeLine('a\r'), ['a']);
});

test('a multi-line signature matches raw and escaped forms alike', () => {
  const pattern = 'begin `(?<body>[^`]*)`: {errno:ENOSPC}';
  const start = "\n    start: 'begin `'";
  const raw = matchesOf(pattern, 'x\nbegin `0: one\n1: two\n`: No space left on device\ny', start);
  const escaped = matchesOf(
    pattern,
    'msg="begin `0: one\\n1: two\\n`: No space left on device: unknown"',
    start,
  );
  for (const { matches, occurrences } of [raw, escaped]) {
    assert.equal(occurrences, 1);
    assert.equal(matches[0]!.captures.errno, 'ENOSPC');
    assert.equal(matches[0]!.captures.errnoNumber, '28');
    assert.equal(matches[0]!.captures.body, '0: one\n1: two\n');
  }
  assert.equal(raw.matches[0]!.line, 2);
});

test('errno captures are normalised from numbers and names', () => {
  const { matches } = matchesOf(
    'failed {errno:EOPNOTSUPP} to create',
    "libbpf: object 'x': failed (-95) to create BPF token",
  );
  assert.equal(matches[0]!.captures.errno, 'EOPNOTSUPP');
  assert.equal(matches[0]!.captures.errnoText, '(-95)');
});

test('a declared errno fills in when the text does not name one', () => {
  const { matches } = matchesOf(
    'BPF program is too large',
    'BPF program is too large. Processed 1000001 insn',
    '\n    errno: E2BIG',
  );
  assert.equal(matches[0]!.captures.errno, 'E2BIG');
  assert.equal(matches[0]!.captures.errnoNumber, '7');
});

test('long lines are shown shortened around the match', () => {
  const { matches } = matchesOf('needle', `${'a'.repeat(5000)} needle ${'b'.repeat(5000)}`);
  assert.ok(matches[0]!.text.length < 600);
  assert.match(matches[0]!.text, /needle/);
});
