// Spawns the real kcompat command (the built dist/) and checks its output and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { entryYaml } from './kb-fixtures.js';
import { BIN, cliHarness, ROOT, type Run } from './cli-harness.js';
import { kcompatAsNobody, requireCommand, requireRootSetpriv } from './require.js';

const { kcompat, json, scratch, fixture, assertUsageError } = cliHarness('kcompat-cli-');

/** Writes a --facts file of known facts (all with source "probe") and returns its path. */
function writeFactsFile(name: string, values: Record<string, unknown>): string {
  const file = join(scratch, name);
  const facts = Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, { value, source: 'probe' }]),
  );
  writeFileSync(file, JSON.stringify({ schemaVersion: 1, facts }));
  return file;
}

test('the five founding texts give their family as the top finding', () => {
  const cases: Record<string, string> = {
    'crun-enospc-docker.txt': 'bpf-verifier-log-enospc',
    'crun-cgroup2-umask-podman.txt': 'cgroup2-mount-userns-perm',
    'runc-sysbox-proc-docker.txt': 'runc-proc-mount-thread-self',
    'tetragon-too-large.txt': 'bpf-prog-too-large',
    'libbpf-token-katran.txt': 'bpf-token-unsupported',
  };
  for (const [file, family] of Object.entries(cases)) {
    const run = kcompat(['why', '--format', 'json', '--no-probe', fixture(file)]);
    assert.notEqual(run.status, 2, `${file}: ${run.stderr}`);
    const report = json(run);
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.findings[0]?.family, family, file);
  }
});

/** `why --format json --no-probe` for a Debian 5.10.0-26 node with the given component. */
function whyPlanned(file: string, component: string): Run {
  return kcompat([
    'why',
    '--format',
    'json',
    '--no-probe',
    '--kernel',
    '5.10.0-26-amd64',
    '--with',
    component,
    file,
  ]);
}

test('crun ENOSPC: likely without facts, confirmed in range, ruled out when fixed', () => {
  const file = fixture('crun-enospc-docker.txt');
  const none = kcompat(['why', '--format', 'json', '--no-probe', file]);
  assert.equal(none.status, 1);
  assert.equal(json(none).findings[0].verdict, 'likely');
  assert.equal(json(none).findings[0].matches[0].captures.errno, 'ENOSPC');

  const affected = whyPlanned(file, 'crun@1.14.0');
  const top = json(affected).findings[0];
  assert.equal(top.id, 'crun-1-14-ebpf-log-enospc');
  assert.equal(top.verdict, 'confirmed');
  assert.deepEqual(json(affected).facts['kernel.upstream'].value, '5.10.197');
  for (const condition of top.conditions) assert.equal(condition.result, 'true');

  const fixed = whyPlanned(file, 'crun@1.14.1');
  const crun = json(fixed).findings.find((f: any) => f.id === 'crun-1-14-ebpf-log-enospc');
  assert.equal(crun.verdict, 'ruled-out');
  assert.match(crun.ruledOutHint, /ENOSPC/);
  assert.notEqual(json(fixed).findings[0].id, 'crun-1-14-ebpf-log-enospc');
});

test('JSON contract: facts as value/source or unknown; findings carry the documented fields', () => {
  const report = json(
    kcompat([
      'why',
      '--format',
      'json',
      '--no-probe',
      '--with',
      'crun@1.14.0',
      fixture('crun-enospc-docker.txt'),
    ]),
  );
  assert.deepEqual(report.facts['components.crun.version'], { value: '1.14.0', source: '--with' });
  const finding = report.findings[0];
  for (const key of [
    'id',
    'family',
    'title',
    'verdict',
    'severity',
    'matches',
    'conditions',
    'fix',
    'workarounds',
    'references',
  ]) {
    assert.ok(key in finding, key);
  }
  for (const match of finding.matches)
    assert.deepEqual(
      Object.keys(match)
        .filter((k) => ['line', 'text', 'captures'].includes(k))
        .sort(),
      ['captures', 'line', 'text'],
    );
  for (const condition of finding.conditions) {
    assert.deepEqual(
      ['fact', 'expected', 'actual', 'result'].filter((k) => k in condition).length,
      4,
    );
  }
});

test('standard input and gzip files are read', () => {
  const text = readFileSync(fixture('tetragon-too-large.txt'));
  const piped = kcompat(['why', '--format', 'json', '--no-probe'], text);
  assert.equal(json(piped).findings[0].family, 'bpf-prog-too-large');
  const gz = join(scratch, 'log.gz');
  writeFileSync(gz, gzipSync(text));
  assert.equal(
    json(kcompat(['why', '--format', 'json', '--no-probe', gz])).findings[0].family,
    'bpf-prog-too-large',
  );
});

test('nothing found exits 0 and says so', () => {
  const run = kcompat(['why', '--no-probe', '-'], 'all good here\n');
  assert.equal(run.status, 0);
  assert.match(run.stdout, /No known issue matches/);
});

test('text output: readable, no colour in a pipe, colour when forced', () => {
  const plain = kcompat(['why', '--no-probe', fixture('crun-enospc-docker.txt')]);
  assert.equal(plain.status, 1);
  assert.match(plain.stdout, /LIKELY/);
  assert.match(plain.stdout, /References:/);
  assert.doesNotMatch(plain.stdout, /\u001b\[/);
  const colored = kcompat(['why', '--no-probe', '--color', fixture('crun-enospc-docker.txt')]);
  assert.match(colored.stdout, /\u001b\[/);
});

test('markdown output', () => {
  const run = kcompat([
    'why',
    '--no-probe',
    '--format',
    'markdown',
    fixture('runc-sysbox-proc-docker.txt'),
  ]);
  assert.match(run.stdout, /^# kcompat why: /);
  assert.match(run.stdout, /\*\*Fix\.\*\*/);
});

test('a benign token line is not a failure (exit 0) and is labelled so', () => {
  const run = kcompat([
    'why',
    '--format',
    'json',
    '--no-probe',
    fixture('libbpf-token-katran.txt'),
  ]);
  assert.equal(json(run).findings[0].verdict, 'benign');
  assert.equal(run.status, 0);
});

test('bad input: one line, exit 2, no stack trace', () => {
  const binary = join(scratch, 'binary.log');
  writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
  assertUsageError(kcompat(['why', '--no-probe', binary]), /binary data/);
  assertUsageError(
    kcompat(['why', '--no-probe', join(scratch, 'missing.log')]),
    /cannot read \(ENOENT\)/,
  );
  assertUsageError(kcompat(['why', '--no-probe', scratch]), /is a directory/);
  const brokenGz = join(scratch, 'broken.gz');
  writeFileSync(brokenGz, gzipSync('some text').subarray(0, 12));
  assertUsageError(kcompat(['why', '--no-probe', brokenGz]), /broken gzip/);
});

test('bad facts: malformed JSON, wrong shape, deeply nested, bad --with', () => {
  const malformed = join(scratch, 'facts-bad.json');
  writeFileSync(malformed, '{"schemaVersion": 1, "facts": {');
  assertUsageError(
    kcompat(['why', '--facts', malformed, fixture('tetragon-too-large.txt')]),
    /--facts .*not JSON/,
  );
  const wrong = join(scratch, 'facts-wrong.json');
  writeFileSync(
    wrong,
    JSON.stringify({ schemaVersion: 1, facts: { 'kernel.upstream': { value: '5.10.197' } } }),
  );
  assertUsageError(
    kcompat(['why', '--facts', wrong, fixture('tetragon-too-large.txt')]),
    /not a facts file/,
  );
  // 100,000 levels of nesting: JSON.parse copes, the schema refuses it, nothing overflows.
  const deep = join(scratch, 'facts-deep.json');
  writeFileSync(
    deep,
    `{"schemaVersion": 1, "facts": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
  );
  assertUsageError(kcompat(['check', '--no-probe', '--facts', deep]), /not a facts file/);
  writeFileSync(
    deep,
    `{"schemaVersion": 1, "facts": {"k": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}}`,
  );
  assertUsageError(kcompat(['check', '--no-probe', '--facts', deep]), /not a facts file/);
  assertUsageError(
    kcompat(['why', '--no-probe', '--with', 'crun', fixture('tetragon-too-large.txt')]),
    /NAME@VERSION/,
  );
  assertUsageError(
    kcompat(['why', '--no-probe', '--with', 'crun@banana', fixture('tetragon-too-large.txt')]),
    /not a version/,
  );
});

test('--facts reads facts back', () => {
  const file = writeFactsFile('facts.json', {
    'components.crun.version': '1.14.0',
    'kernel.upstream': '5.10.197',
  });
  const report = json(
    kcompat(['why', '--format', 'json', '--facts', file, fixture('crun-enospc-docker.txt')]),
  );
  assert.equal(report.findings[0].verdict, 'confirmed');
});

test('an invalid user knowledge base is an input error with file:line', () => {
  const dir = join(scratch, 'user-kb');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'mine.yaml'),
    entryYaml('mine', 'x').replace('severity: error', 'severity: huge'),
  );
  assertUsageError(
    kcompat(['why', '--no-probe', '--kb', dir, fixture('tetragon-too-large.txt')]),
    /invalid knowledge base: .*mine\.yaml:4: severity/,
  );
  assertUsageError(
    kcompat(['why', '--no-probe', fixture('tetragon-too-large.txt')], undefined, {
      KCOMPAT_KB: dir,
    }),
    /mine\.yaml:4/,
  );
  const lint = kcompat(['kb', 'lint', dir]);
  assert.equal(lint.status, 1);
  assert.match(lint.stdout, /mine\.yaml:4: severity/);
});

test('a valid user knowledge base adds entries that why, kb list and kb test use', () => {
  const dir = join(scratch, 'good-kb');
  mkdirSync(dir);
  writeFileSync(join(dir, 'site-local.yaml'), entryYaml('site-local', 'example for site-local'));
  const run = kcompat(
    ['why', '--no-probe', '--format', 'json', '--kb', dir, '-'],
    'example for site-local\n',
  );
  assert.equal(json(run).findings[0].id, 'site-local');
  assert.match(kcompat(['kb', 'list', '--kb', dir]).stdout, /site-local/);
  const tested = kcompat(['kb', 'test', dir]);
  assert.equal(tested.status, 0, tested.stdout);
  assert.match(tested.stdout, /^1 passed, 0 failed$/m);
});

test('kb list, show, lint and test on the built-in knowledge base', () => {
  const list = json(kcompat(['kb', 'list', '--format', 'json']));
  assert.ok(list.issues.length >= 6);
  const show = kcompat(['kb', 'show', 'crun-1-14-ebpf-log-enospc']);
  assert.equal(show.status, 0);
  assert.match(show.stdout, /## Fix/);
  assert.equal(
    show.stdout,
    readFileSync(join(ROOT, 'docs', 'kb', 'crun-1-14-ebpf-log-enospc.md'), 'utf8'),
  );
  assertUsageError(kcompat(['kb', 'show', 'no-such-issue']), /no known issue "no-such-issue"/);
  assert.equal(kcompat(['kb', 'lint']).status, 0);
  const tested = kcompat(['kb', 'test']);
  assert.equal(tested.status, 0, tested.stdout);
});

test('every command has --help with examples; bad usage exits 2', () => {
  for (const args of [
    ['--help'],
    ['why', '--help'],
    ['check', '--help'],
    ['kb', '--help'],
    ['kb', 'list', '--help'],
    ['kb', 'show', '--help'],
    ['kb', 'lint', '--help'],
    ['kb', 'test', '--help'],
    ['verifier', '--help'],
    ['probe', '--help'],
  ]) {
    const run = kcompat(args);
    assert.equal(run.status, 0, args.join(' '));
    assert.match(run.stdout, /Usage: kcompat/, args.join(' '));
    if (args.length > 1 || args[0] !== '--help')
      assert.match(run.stdout, /Examples:/, args.join(' '));
  }
  assert.equal(kcompat(['why', '--bogus']).status, 2);
  assert.equal(kcompat(['why', '--format', 'yaml', '-']).status, 2);
});

test('check with planned facts: at-risk findings, and exit 0 when nothing applies', () => {
  const risky = kcompat([
    'check',
    '--no-probe',
    '--format',
    'json',
    '--kernel',
    '5.10.0-26-amd64',
    '--with',
    'crun@1.14.0',
  ]);
  assert.equal(risky.status, 1);
  const report = json(risky);
  assert.equal(report.command, 'check');
  assert.ok(
    report.findings.some(
      (f: any) => f.id === 'crun-1-14-ebpf-log-enospc' && f.verdict === 'at-risk',
    ),
  );
  const safe = kcompat([
    'check',
    '--no-probe',
    '--kernel',
    '6.1.0-13-amd64',
    '--with',
    'crun@1.14.1',
  ]);
  assert.equal(safe.status, 0, safe.stdout);
});

test('check says what it could not decide and which facts would decide it', () => {
  const report = json(
    kcompat(['check', '--no-probe', '--format', 'json', '--with', 'crun@1.14.0']),
  );
  assert.equal(report.findings.length, 0);
  const crun = report.undecided.find((entry: any) => entry.id === 'crun-1-14-ebpf-log-enospc');
  assert.deepEqual(crun.unknownFacts, ['kernel.upstream']);
  const text = kcompat(['check', '--no-probe', '--with', 'crun@1.14.0']);
  assert.match(text.stdout, /Could not decide \d+ known issue/);
});

test('probe prints the facts object that --facts reads back', () => {
  const probe = kcompat(['probe', '--format', 'json', '--no-bpf', '--no-components']);
  assert.equal(probe.status, 0, probe.stderr);
  const printed = JSON.parse(probe.stdout);
  assert.equal(printed.schemaVersion, 1);
  assert.ok('value' in printed.facts['kernel.release']);
  const file = join(scratch, 'probed.json');
  writeFileSync(file, probe.stdout);
  const report = json(kcompat(['check', '--format', 'json', '--facts', file]));
  assert.deepEqual(report.facts['kernel.release'], printed.facts['kernel.release']);
  assert.match(kcompat(['probe', '--help']).stdout, /Examples:/);
});

test('an unreadable file (as a user who may not read it) is an input error', (t) => {
  if (!requireRootSetpriv(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'kcompat-open-'));
  const copy = join(dir, 'locked.log');
  writeFileSync(copy, 'some text\n', { mode: 0o600 });
  spawnSync('chmod', ['755', dir]);
  const result = kcompatAsNobody(BIN, ['why', '--no-probe', copy]);
  rmSync(dir, { recursive: true, force: true });
  assertUsageError(
    { status: result.status, stdout: result.stdout, stderr: result.stderr },
    /cannot read \(EACCES\)/,
  );
});

test('a token line before the real failure: benign, ranked last, and it points at the real cause', () => {
  const run = kcompat([
    'why',
    '--no-probe',
    '--format',
    'json',
    fixture('libbpf-token-then-map-failure.txt'),
  ]);
  const report = json(run);
  const token = report.findings.find((f: any) => f.id === 'libbpf-token-probe-harmless');
  assert.equal(token.verdict, 'benign');
  assert.equal(token.realCauseHints[0].line, 2);
  // The map failure (a ring buffer on a kernel without it) is a known issue of its own now.
  assert.equal(report.findings[0].id, 'bpf-ringbuf-map-unsupported');
  // Below it only the token line: the specific entry, then its family's general one.
  assert.deepEqual(
    report.findings.slice(1).map((f: any) => [f.id, f.verdict]),
    [
      ['libbpf-token-probe-harmless', 'benign'],
      ['bpf-token-unsupported', 'benign'],
    ],
  );
  assert.match(token.reasoning, /more likely bpf-ringbuf-map-unsupported/);
  assert.equal(run.status, 1);
});

test('planning with --kernel drops the facts of the kernel in --facts', () => {
  const file = writeFactsFile('old-kernel.json', {
    'kernel.release': '6.1.0-13-amd64',
    'kernel.upstream': '6.1.55',
    'bpf.token': 'unsupported',
    'components.crun.version': '1.14.0',
  });
  const report = json(
    kcompat(['check', '--format', 'json', '--facts', file, '--kernel', '5.10.0-26-amd64']),
  );
  assert.equal(report.facts['bpf.token'], undefined);
  assert.equal(report.facts['kernel.upstream'].value, '5.10.197');
  assert.ok(
    report.findings.some(
      (f: any) => f.id === 'crun-1-14-ebpf-log-enospc' && f.verdict === 'at-risk',
    ),
  );
});

// A verifier log from a public report (bcc on a 4.9 kernel; src/verifier/fixtures/public-logs.yaml).
const BCC_VERIFIER_LOG = [
  'bpf: Permission denied',
  '0: (79) r7 = *(u64 *)(r1 +80)',
  '1: (85) call 14',
  '17: (55) if r7 != 0x0 goto pc+47',
  ' R0=inv,min_value=0,max_value=0 R6=map_value(ks=8,vs=8),min_value=0,max_value=0 R7=inv32,min_value=0,max_value=0 R10=fp',
  '18: (79) r1 = *(u64 *)(r6 +0)',
  '23: (69) r6 = *(u16 *)(r1 +12)',
  "R1 invalid mem access 'inv'",
  '',
].join('\n');

test('verifier: a rejected log is explained in JSON, from a file, stdin or gzip, and exits 1', () => {
  const file = join(scratch, 'verifier.log');
  writeFileSync(file, BCC_VERIFIER_LOG);
  writeFileSync(`${file}.gz`, gzipSync(BCC_VERIFIER_LOG));
  for (const run of [
    kcompat(['verifier', '--format', 'json', file]),
    kcompat(['verifier', '--format', 'json', `${file}.gz`]),
    kcompat(['verifier', '--format', 'json'], BCC_VERIFIER_LOG),
  ]) {
    assert.equal(run.status, 1, run.stderr);
    const report = json(run);
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.outcome, 'rejected');
    assert.equal(report.error, "R1 invalid mem access 'inv'");
    assert.equal(report.errno, 'EACCES');
    assert.equal(report.insn.index, 23);
    assert.equal(report.processedInsns, null);
    assert.equal(report.limit, null);
    assert.deepEqual(report.truncated, []);
    assert.equal(report.explanation.id, 'invalid-mem-access');
  }
  const text = kcompat(['verifier', file]);
  assert.match(text.stdout, /Failing instruction\n {2}23: \(69\) r6 = \*\(u16 \*\)\(r1 \+12\)/);
  assert.match(kcompat(['verifier', '--format', 'markdown', file]).stdout, /^## Why: /m);
});

test('verifier: an accepted program exits 0; what is not a verifier log is an input error', () => {
  const accepted = kcompat(
    ['verifier'],
    '0: (b7) r0 = 0\n1: (95) exit\nprocessed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n',
  );
  assert.equal(accepted.status, 0, accepted.stderr);
  assert.match(accepted.stdout, /^Accepted/);
  assert.doesNotMatch(accepted.stdout, /Failing instruction/);
  assertUsageError(kcompat(['verifier'], 'hello\nworld\n'), /no BPF verifier log found/);
  assertUsageError(
    kcompat(['verifier'], Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1])),
    /binary data/,
  );
  assertUsageError(kcompat(['verifier'], ''), /standard input: no BPF verifier log found/);
  assertUsageError(kcompat(['verifier', scratch]), /is a directory/);
  assertUsageError(kcompat(['verifier', join(scratch, 'missing.log')]), /cannot read \(ENOENT\)/);
  const broken = join(scratch, 'broken.log.gz');
  writeFileSync(broken, gzipSync(BCC_VERIFIER_LOG).subarray(0, 20));
  assertUsageError(kcompat(['verifier', broken]), /broken gzip data/);
});

test('why attaches the verifier explanation to a finding whose input carries the log', () => {
  const run = kcompat(['why', '--no-probe', '--format', 'json', fixture('crun-enospc-docker.txt')]);
  const top = json(run).findings[0];
  assert.equal(top.id, 'crun-1-14-ebpf-log-enospc');
  assert.equal(top.verifier.errno, 'ENOSPC');
  assert.equal(top.verifier.errnoFrom, 'loader');
  assert.ok(top.verifier.insn.index > 0);
  assert.match(
    kcompat(['why', '--no-probe', fixture('crun-enospc-docker.txt')]).stdout,
    /Verifier log: .*log buffer was too small/,
  );
});

test('why reads zstd and gzip files, expands quoted globs, and reads journald JSON from stdin', (t) => {
  const dir = join(scratch, 'logs');
  mkdirSync(dir, { recursive: true });
  const text = readFileSync(fixture('libbpf-token-katran.txt'), 'utf8');
  writeFileSync(join(dir, 'a.log'), text);
  writeFileSync(join(dir, 'b.log.gz'), gzipSync(text));
  const globbed = json(kcompat(['why', '--no-probe', '--format', 'json', join(dir, '*.log*')]));
  assert.deepEqual(
    globbed.inputs.map((input: any) => input.name.slice(dir.length + 1)),
    ['a.log', 'b.log.gz'],
  );
  assert.equal(globbed.findings[0].occurrences, 2);
  assertUsageError(
    kcompat(['why', '--no-probe', join(dir, '*.nothing')]),
    /no file matches this pattern/,
  );
  const journal = text
    .split('\n')
    .filter(Boolean)
    .map((line, i) =>
      JSON.stringify({
        __REALTIME_TIMESTAMP: String(1706700000000000 + i * 1_000_000),
        MESSAGE: line,
      }),
    )
    .join('\n');
  const fromJournal = json(kcompat(['why', '--no-probe', '--format', 'json'], journal));
  assert.equal(fromJournal.findings[0].id, globbed.findings[0].id);
  assert.match(fromJournal.findings[0].firstSeen, /^2024-01-31T11:20/);
  if (!requireCommand(t, 'zstd')) return;
  const zst = join(dir, 'c.log.zst');
  const packed = spawnSync('zstd', ['-q', '-o', zst, join(dir, 'a.log')]);
  assert.equal(packed.status, 0, String(packed.stderr));
  const fromZstd = json(kcompat(['why', '--no-probe', '--format', 'json', zst]));
  assert.equal(fromZstd.findings[0].id, globbed.findings[0].id);
  writeFileSync(join(dir, 'broken.zst'), readFileSync(zst).subarray(0, 12));
  assertUsageError(kcompat(['why', '--no-probe', join(dir, 'broken.zst')]), /broken zstd data/);
});

test('a 1 GiB facts file is refused before it is read; a 1 GiB line is cut, not held', () => {
  const huge = join(scratch, 'huge.json');
  writeFileSync(huge, '');
  truncateSync(huge, 1 << 30); // sparse: no disk is used
  assertUsageError(
    kcompat(['check', '--no-probe', '--facts', huge]),
    /more than 16 MiB is not a facts file/,
  );
  // A device that never ends is refused by what is read, not by its size of 0.
  assertUsageError(
    kcompat(['check', '--no-probe', '--facts', '/dev/zero']),
    /--facts \/dev\/zero: more than 16 MiB is not a facts file/,
  );
  const line = join(scratch, 'one-line.log');
  writeFileSync(line, `${'a'.repeat(3 << 20)} libbpf: failed to find valid kernel BTF\n`);
  const run = json(kcompat(['why', '--no-probe', '--format', 'json', line]));
  assert.equal(run.inputs[0].longLines, 1);
});
