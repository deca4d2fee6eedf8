// The streaming scanner: whole logs aggregated per entry, the prefilter never changing what is
// found, entries found across formats, memory bounded.
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { loadKnowledgeBase } from '../kb/load.js';
import { loadEvalCases } from '../kb/evaluate.js';
import { loadCatalogue } from '../verifier/catalogue-file.js';
import { explainVerifierLog } from '../verifier/explain.js';
import { LogScanner, type ScanOptions } from './log-scanner.js';

const kb = loadKnowledgeBase();

function scan(lines: readonly string[], options: ScanOptions = {}) {
  const scanner = new LogScanner(kb, options);
  scanner.beginInput('log');
  for (const line of lines) scanner.pushLine(line);
  scanner.endInput(0);
  return scanner.finish();
}

const ids = (result: ReturnType<typeof scan>) =>
  result.evidence.map((evidence) => `${evidence.issue.id}×${evidence.occurrences}`).sort();

test('the prefilter finds exactly what running every signature on every line finds', () => {
  const texts = [
    ...kb.issues.flatMap((issue) => [
      ...issue.examples.map((example) => example.text),
      ...issue.nearMisses.map((nearMiss) => nearMiss.text),
    ]),
    ...loadEvalCases().map((evalCase) => evalCase.text),
  ];
  for (const text of texts) {
    const lines = text.split('\n');
    assert.deepEqual(ids(scan(lines)), ids(scan(lines, { prefilter: false })), text.slice(0, 200));
  }
});

test('blocks of lines give what line by line gives, with the same line numbers', () => {
  const texts = [
    ...kb.issues.flatMap((issue) => issue.examples.map((example) => example.text)),
    ...loadEvalCases().map((evalCase) => evalCase.text),
  ];
  const byBlock = (text: string) => {
    const scanner = new LogScanner(kb, { verifierLogs: true });
    scanner.beginInput('log');
    // Noise around the text, in blocks that split it at arbitrary lines.
    const lines = ['noise a', ...text.split('\n'), 'noise b'];
    for (let i = 0; i < lines.length; i += 3)
      scanner.pushBytes(Buffer.from(lines.slice(i, i + 3).join('\n')));
    scanner.endInput(0);
    return scanner.finish();
  };
  const summary = (result: ReturnType<typeof scan>) =>
    result.evidence
      .map((evidence) => `${evidence.issue.id}@${evidence.first.line}×${evidence.occurrences}`)
      .sort();
  for (const text of texts) {
    const expected = scan(['noise a', ...text.split('\n'), 'noise b'], { verifierLogs: true });
    const got = byBlock(text);
    assert.deepEqual(summary(got), summary(expected), text.slice(0, 200));
    assert.equal(got.inputs[0]!.lines, expected.inputs[0]!.lines);
  }
});

test('a whole log: each entry once, with its count, first and last time, and a few lines', () => {
  const noise = (i: number) =>
    `2024-03-01T12:00:${String(i % 60).padStart(2, '0')}.000000000Z stdout F level=info msg="pulled image" n=${i}`;
  const hit = (second: number) =>
    `2024-03-01T12:00:${String(second).padStart(2, '0')}.000000000Z stderr F Error: failed to create containerd task: OCI runtime create failed: bpf create \`\`: Invalid argument; libbpf: Error loading vmlinux BTF: -ESRCH`;
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++)
    lines.push(i % 1000 === 7 ? hit(Math.floor(i / 1000)) : noise(i));
  const result = scan(lines, { maxMatchesPerFinding: 3 });
  const btf = result.evidence.find((evidence) => evidence.issue.id === 'btf-vmlinux-missing')!;
  assert.equal(btf.occurrences, 20);
  assert.equal(btf.firstSeen, '2024-03-01T12:00:00.000000000Z');
  assert.equal(btf.lastSeen, '2024-03-01T12:00:19.000000000Z');
  assert.deepEqual(
    btf.shown.map((match) => match.line),
    [8, 1008, 19008],
  );
});

test("a crun verifier log inside containerd's quoted msg in a journald JSON record is found and explained", () => {
  const message =
    'time="2024-01-31T11:20:00Z" level=error msg="RunContainerError" error="failed to create shim task: OCI runtime create failed: bpf create `0: (61) r2 = *(u32 *)(r1 +0)\\n1: (54) w2 &= 65535\\n2: (61) r3 = *(u32 *)(r1 +0)\\n`: No space left on device: unknown"';
  const result = scan(
    [JSON.stringify({ __REALTIME_TIMESTAMP: '1706700000000000', MESSAGE: message })],
    { verifierLogs: true },
  );
  const crun = result.evidence.find(
    (evidence) => evidence.issue.id === 'crun-1-14-ebpf-log-enospc',
  )!;
  assert.ok(crun, ids(result).join(', '));
  assert.equal(crun.firstSeen, '2024-01-31T11:20:00.000Z');
  const explained = explainVerifierLog(crun.verifierLog!, loadCatalogue());
  assert.equal(explained.errno, 'ENOSPC');
  assert.equal(explained.insn?.index, 2);
});

test('a multi-line window is bounded: a start line with no end in sight does not hold the log', () => {
  const lines = ['OCI runtime create failed: bpf create `0: (61) r2 = *(u32 *)(r1 +0)'];
  for (let i = 1; i < 5000; i++) lines.push(`${i}: (07) r1 += 1`);
  const result = scan(lines);
  // The head alone is the crun entry's second signature (a log cut before its errno), and the
  // general device-filter entry's crun operation line; neither window holds the 5,000 lines.
  assert.deepEqual(ids(result), ['cgroup-device-bpf×1', 'crun-1-14-ebpf-log-enospc×1']);
});

test("one input holding two verifier logs (crun's, then Tetragon's): each finding explains its own", () => {
  const fixture = (name: string) =>
    readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => !line.startsWith('#') && line !== '');
  const lines = [
    ...fixture('crun-enospc-docker.txt'),
    ...Array.from({ length: 30 }, (_, index) => `kubelet: pod sandbox ${index} started`),
    ...fixture('tetragon-too-large.txt'),
  ];
  const result = scan(lines, { verifierLogs: true });
  const logOf = (id: string) =>
    result.evidence.find((evidence) => evidence.issue.id === id)?.verifierLog;
  const crun = logOf('crun-1-14-ebpf-log-enospc');
  const tetragon = logOf('tetragon-1-4-generic-kprobe-too-large');
  assert.ok(crun && tetragon, 'both findings carry a verifier log');
  assert.notEqual(crun, tetragon);
  assert.equal(crun.loaderErrno, 'ENOSPC');
  assert.equal(tetragon.loaderErrno, 'E2BIG');
  assert.match(tetragon.error ?? '', /BPF program is too large\. Processed 1000001 insn/);
  assert.match(crun.insn?.text ?? '', /if r2 != 0x2 goto pc\+3/);
});

/** Folds a line at spaces into lines of at most `width` characters, as a terminal or a mail does. */
function fold(line: string, width: number, prefix = ''): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    if (current && current.length + word.length + 1 > width) {
      lines.push(prefix + current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  lines.push(prefix + current);
  return lines;
}

test('a line wrapped at a fixed width (a terminal, a quoted reply) is found as the whole line is', () => {
  const lines = kb.issues
    .filter((issue) => !issue.benign)
    .flatMap((issue) => issue.examples.map((example) => example.text.trim()))
    .filter((text) => !text.includes('\n') && text.length >= 100 && !/\s{2}/.test(text));
  assert.ok(lines.length > 50, `only ${lines.length} one-line examples to wrap`);
  // The families: where a specific entry explains the first half already, the joined line is not
  // tried again, so its general entry may be missing; the family found is the same.
  const found = (result: ReturnType<typeof scan>) =>
    [...new Set(result.evidence.map((evidence) => evidence.issue.family))].sort();
  const byBlocks = (wrapped: string[]) => {
    const scanner = new LogScanner(kb);
    scanner.beginInput('log');
    for (let i = 0; i < wrapped.length; i += 2)
      scanner.pushBytes(Buffer.from(wrapped.slice(i, i + 2).join('\n')));
    scanner.endInput(0);
    return scanner.finish();
  };
  let wrappedLines = 0;
  for (const line of lines) {
    const whole = found(scan([line]));
    for (const [width, prefix] of [
      [72, '> '],
      [80, ''],
    ] as const) {
      const wrapped = fold(line, width, prefix);
      if (wrapped.length < 2) continue;
      const context = `${wrapped.join('\n')}\n`;
      assert.deepEqual(found(scan(wrapped)), whole, context);
      assert.deepEqual(found(scan(wrapped, { prefilter: false })), whole, context);
      assert.deepEqual(found(byBlocks(['noise', ...wrapped, 'noise'])), whole, context);
      wrappedLines++;
    }
  }
  assert.ok(wrappedLines > 50);
});

const HALVES = ['load objects: map events: map create:', 'operation not permitted'];

test('lines that carry their own timestamp, or end a sentence, are not joined', () => {
  const whole = ids(scan([HALVES.join(' ')]));
  assert.ok(whole.length > 0);
  assert.deepEqual(ids(scan(HALVES)), whole);
  const stamped = HALVES.map((half, i) => `2024-05-01T10:00:0${i}Z ${half}`);
  assert.deepEqual(ids(scan(stamped)), []);
  assert.deepEqual(ids(scan(['load objects: map events: map create failed.', HALVES[1]!])), []);
});

test('only the first lines of an input are tried joined, so a big log pays for them alone', () => {
  const filler = Array.from({ length: 5000 }, (_, i) => `ordinary line ${i} of a long log`);
  assert.deepEqual(ids(scan([...HALVES, ...filler])), ids(scan([HALVES.join(' ')])));
  assert.deepEqual(ids(scan([...filler, ...HALVES])), []);
});
