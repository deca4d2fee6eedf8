// The report options of why, check and verifier, run as a user runs them (the built command, in
// a working directory of the test's own): --min-severity, --verdict, --fail-on, --ignore and the
// ignore file with its expiry, the config file and its precedence, -o and -q. Each bad value is
// one line on stderr and exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { BIN, cliHarness, ROOT, type Run } from './cli-harness.js';
import { missing } from './require.js';

const { scratch, json, assertUsageError } = cliHarness('kcompat-report-options-');
const EXAMPLES = join(ROOT, 'examples');
const ENOSPC = join(EXAMPLES, 'crun-bpf-enospc.txt');
const VERIFIER_LOG = join(EXAMPLES, 'verifier-too-large.log');
/** confirmed crun-1-14-ebpf-log-enospc (error), likely cgroup-device-bpf (error). */
const PLANNED_WHY = ['why', '--no-probe', '--kernel', '5.10.0-26-amd64', '--with', 'crun@1.14.0'];
/** at-risk: two at error, three at info. */
const PLANNED_CHECK = [
  'check',
  '--no-probe',
  '--kernel',
  '5.10.0-26-amd64',
  '--with',
  'crun@1.14.0',
];

let dirs = 0;
/** A fresh working directory holding the given files. */
function workdir(files: Record<string, string> = {}): string {
  const dir = join(scratch, `work-${dirs++}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function kcompat(args: string[], cwd = workdir(), env: NodeJS.ProcessEnv = {}): Run {
  const { KCOMPAT_CONFIG: _config, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    input: '',
    encoding: 'utf8',
    env: {
      ...inherited,
      NO_COLOR: '',
      KCOMPAT_KB: '',
      KCOMPAT_CACHE_DIR: join(scratch, 'cache'),
      ...env,
    },
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ids = (run: Run): string[] =>
  (json(run).findings as { id: string }[]).map((finding) => finding.id);

test('--min-severity leaves out findings below it, counted in JSON and in a text line', () => {
  const all = kcompat([...PLANNED_CHECK, '--format', 'json']);
  assert.equal(all.status, 1, all.stderr);
  assert.equal(json(all).filtered, undefined, 'no filter, no field');
  const infos = (json(all).findings as { severity: string }[]).filter(
    (finding) => finding.severity === 'info',
  ).length;
  assert.ok(infos > 0);
  const errors = kcompat([...PLANNED_CHECK, '--format', 'json', '--min-severity', 'error']);
  assert.equal(errors.status, 1);
  assert.deepEqual(json(errors).filtered, { ignored: [], leftOut: infos, minSeverity: 'error' });
  assert.ok((json(errors).findings as { severity: string }[]).every((f) => f.severity === 'error'));
  const none = kcompat([...PLANNED_CHECK, '--min-severity', 'CRITICAL']);
  assert.equal(none.status, 0, 'nothing left: exit 0');
  assert.match(none.stdout, /\nFiltered: \d+ findings left out \(severity below critical\)\.\n$/);
  assertUsageError(
    kcompat([...PLANNED_CHECK, '--min-severity', 'high']),
    /^kcompat: --min-severity "high": not a severity; the severities are info, warning, error, critical/,
  );
});

test('--verdict keeps the verdicts named (comma-separated or repeated)', () => {
  const confirmed = kcompat([...PLANNED_WHY, '--format', 'json', '--verdict', 'confirmed', ENOSPC]);
  assert.equal(confirmed.status, 1);
  assert.deepEqual(ids(confirmed), ['crun-1-14-ebpf-log-enospc']);
  assert.equal(json(confirmed).filtered.leftOut, 1);
  const both = kcompat([
    ...PLANNED_WHY,
    '--format',
    'json',
    '--verdict',
    'benign',
    '--verdict',
    'likely,confirmed',
    ENOSPC,
  ]);
  assert.equal(ids(both).length, 2);
  const ruledOut = kcompat([...PLANNED_WHY, '--verdict', 'ruled-out,benign', ENOSPC]);
  assert.equal(ruledOut.status, 0);
  for (const bad of ['sure', 'confirmed,', 'confirmed,,likely'])
    assertUsageError(
      kcompat([...PLANNED_WHY, '--verdict', bad, ENOSPC]),
      /^kcompat: --verdict "[^"]*": (not a verdict; the verdicts are confirmed, likely, at-risk, ruled-out, benign|give verdicts separated by commas)/,
    );
});

test('--fail-on: exit 1 only for a finding at or above the verdict, after the filters', () => {
  // likely error findings alone (no facts).
  const likely = ['why', '--no-probe', ENOSPC];
  assert.equal(kcompat(likely).status, 1);
  assert.equal(kcompat([...likely, '--fail-on', 'confirmed']).status, 0);
  assert.equal(kcompat([...likely, '--fail-on', 'likely']).status, 1);
  assert.equal(kcompat([...likely, '--fail-on', 'benign']).status, 1);
  // One at-risk finding at info: not actionable by default, but at or above at-risk.
  const info = ['check', '--no-probe', '--kernel', '6.1.0-13-amd64', '--with', 'crun@1.14.1'];
  assert.equal(kcompat(info).status, 0);
  assert.equal(kcompat([...info, '--fail-on', 'at-risk']).status, 1);
  assert.equal(kcompat([...info, '--fail-on', 'likely']).status, 0);
  assert.equal(kcompat([...info, '--fail-on', 'at-risk', '--min-severity', 'warning']).status, 0);
  assert.equal(
    kcompat([
      ...PLANNED_WHY,
      '--fail-on',
      'confirmed',
      '--ignore',
      'crun-1-14-ebpf-log-enospc',
      ENOSPC,
    ]).status,
    0,
  );
  assertUsageError(
    kcompat([...likely, '--fail-on', 'error']),
    /^kcompat: --fail-on "error": not a verdict; the verdicts are confirmed, likely/,
  );
});

test('--ignore and .kcompatignore leave findings out and still say how many', () => {
  const one = kcompat([...PLANNED_WHY, '--ignore', 'cgroup-device-bpf', ENOSPC]);
  assert.equal(one.status, 1);
  assert.doesNotMatch(one.stdout, /cgroup-device-bpf ·/);
  assert.match(
    one.stdout,
    /\nFiltered: 1 finding ignored as accepted risks \(cgroup-device-bpf by --ignore\)\.\n$/,
  );
  const dir = workdir({
    '.kcompatignore':
      '# accepted on 2026-06-01 until the fleet runs crun 1.14.1\ncrun-1-14-ebpf-log-enospc exp:2999-01-01\n\ncgroup-device-bpf  # no device rules here\n',
  });
  const both = kcompat([...PLANNED_WHY, '--format', 'json', ENOSPC], dir);
  assert.equal(both.status, 0, 'every finding ignored: exit 0');
  assert.deepEqual(ids(both), []);
  assert.deepEqual(json(both).filtered.ignored, [
    { id: 'crun-1-14-ebpf-log-enospc', by: '.kcompatignore:2', expires: '2999-01-01' },
    { id: 'cgroup-device-bpf', by: '.kcompatignore:4' },
  ]);
  const markdown = kcompat([...PLANNED_WHY, '--format', 'markdown', ENOSPC], dir);
  assert.match(markdown.stdout, /\n_Filtered: 2 findings ignored as accepted risks \(.*\)\._\n$/);
  // --ignore-file names another file; the default one is then not read.
  writeFileSync(join(dir, 'accepted.txt'), 'cgroup-device-bpf\n');
  const other = kcompat(
    [...PLANNED_WHY, '--format', 'json', '--ignore-file', 'accepted.txt', ENOSPC],
    dir,
  );
  assert.deepEqual(ids(other), ['crun-1-14-ebpf-log-enospc']);
  assert.deepEqual(json(other).filtered.ignored, [
    { id: 'cgroup-device-bpf', by: 'accepted.txt:1' },
  ]);
});

test('an expired ignore entry no longer ignores, and says so on stderr', () => {
  const dir = workdir({ '.kcompatignore': 'cgroup-device-bpf exp:2020-01-01\n' });
  const run = kcompat([...PLANNED_WHY, '--format', 'json', ENOSPC], dir);
  assert.equal(run.status, 1);
  assert.deepEqual(ids(run), ['crun-1-14-ebpf-log-enospc', 'cgroup-device-bpf']);
  assert.deepEqual(json(run).filtered, { ignored: [], leftOut: 0 });
  assert.equal(
    run.stderr,
    'kcompat: warning: .kcompatignore:1: cgroup-device-bpf expired on 2020-01-01; it no longer ignores that finding\n',
  );
});

test('bad ignore entries and files: one line, exit 2', () => {
  const cases: [string, string, RegExp][] = [
    ['x exp:2027-13-01\n', '', /^kcompat: \.kcompatignore:1: exp: "2027-13-01" is not a day/],
    ['ok\nx until:2027\n', '', /^kcompat: \.kcompatignore:2: unexpected "until:2027" after the id/],
    ['', 'missing.txt', /^kcompat: missing\.txt: cannot read \(ENOENT\)$/],
  ];
  for (const [text, file, pattern] of cases) {
    const dir = workdir({ '.kcompatignore': text });
    assertUsageError(
      kcompat([...PLANNED_WHY, ...(file ? ['--ignore-file', file] : []), ENOSPC], dir),
      pattern,
    );
  }
  assertUsageError(
    kcompat([...PLANNED_WHY, '--ignore', 'no such id', ENOSPC]),
    /^kcompat: --ignore: "no" is not|^kcompat: --ignore: unexpected "such"/,
  );
});

test('the config file: defaults, KB directories, ignores; flags win, lists add', () => {
  const config = [
    'minSeverity: critical',
    'verdict: confirmed,likely',
    'failOn: confirmed',
    'format: json',
    'ignore:',
    '  - cgroup-device-bpf exp:2999-01-01',
    '  - { id: bpf-memlock-rlimit, reason: memlock is unlimited here }',
    '',
  ].join('\n');
  const dir = workdir({ '.kcompat.yaml': config });
  const fromFile = kcompat([...PLANNED_WHY, ENOSPC], dir);
  assert.equal(fromFile.status, 0, 'every finding below critical');
  assert.deepEqual(json(fromFile).filtered, {
    ignored: [{ id: 'cgroup-device-bpf', by: '.kcompat.yaml', expires: '2999-01-01' }],
    leftOut: 1,
    minSeverity: 'critical',
    verdicts: ['confirmed', 'likely'],
  });
  // Flags win over the file's values; --ignore adds to its entries.
  const flags = kcompat(
    [
      ...PLANNED_WHY,
      '--min-severity',
      'info',
      '--format',
      'text',
      '--fail-on',
      'likely',
      '--ignore',
      'crun-1-14-ebpf-log-enospc',
      ENOSPC,
    ],
    dir,
  );
  assert.equal(flags.status, 0, 'both findings ignored');
  assert.match(flags.stdout, /^kcompat why: /);
  assert.match(flags.stdout, /Filtered: 2 findings ignored as accepted risks/);
  // KCOMPAT_CONFIG names the file from anywhere; empty reads none.
  const elsewhere = workdir();
  const named = kcompat([...PLANNED_WHY, ENOSPC], elsewhere, {
    KCOMPAT_CONFIG: join(dir, '.kcompat.yaml'),
  });
  assert.equal(json(named).filtered.minSeverity, 'critical');
  const none = kcompat([...PLANNED_WHY, ENOSPC], dir, { KCOMPAT_CONFIG: '' });
  assert.equal(none.status, 1);
  assert.match(none.stdout, /^kcompat why: 2 findings/);
  // KB directories are relative to the file, and loaded (a missing one is refused).
  const kbDir = workdir({ '.kcompat.yaml': 'kb: [my-issues]\n' });
  assertUsageError(
    kcompat(['check', '--no-probe'], kbDir),
    /^kcompat: invalid knowledge base: .*my-issues:1: cannot read: ENOENT$/,
  );
  mkdirSync(join(kbDir, 'my-issues'));
  assert.equal(kcompat(['check', '--no-probe', '--kernel', '6.1.0-13-amd64'], kbDir).status, 0);
});

test('bad config files: one line, exit 2', () => {
  const cases: [string, RegExp][] = [
    [
      'minSeverity: warning\nfail-on: likely\n',
      /^kcompat: \.kcompat\.yaml:2: unknown key "fail-on"; the keys are kb, ignore, ignoreFile, minSeverity, verdict, failOn, format$/,
    ],
    ['minSeverity: high\n', /^kcompat: \.kcompat\.yaml:1: minSeverity: /],
    ['failOn: [likely]\n', /^kcompat: \.kcompat\.yaml:1: failOn: /],
    ['verdict: sure\n', /^kcompat: \.kcompat\.yaml: verdict "sure": not a verdict/],
    [
      'ignore:\n  - x exp:soon\n',
      /^kcompat: \.kcompat\.yaml: ignore\.0: exp: "soon" is not a date/,
    ],
    ['ignore:\n  - { id: x, until: 2027 }\n', /^kcompat: \.kcompat\.yaml:2: ignore\.0: /],
    ['kb: [a\n', /^kcompat: \.kcompat\.yaml:\d+: YAML: /],
    ['- a list\n', /^kcompat: \.kcompat\.yaml:1: /],
  ];
  for (const [text, pattern] of cases)
    assertUsageError(
      kcompat([...PLANNED_WHY, ENOSPC], workdir({ '.kcompat.yaml': text })),
      pattern,
    );
  assertUsageError(
    kcompat([...PLANNED_WHY, ENOSPC], workdir(), { KCOMPAT_CONFIG: 'nowhere.yaml' }),
    /^kcompat: KCOMPAT_CONFIG=nowhere\.yaml: cannot read \(ENOENT\)$/,
  );
});

test('-o writes the report atomically: the file whole, nothing on stdout, no temporary file', () => {
  const dir = workdir();
  const out = join(dir, 'report.json');
  writeFileSync(out, 'old');
  chmodSync(out, 0o640);
  const run = kcompat([...PLANNED_WHY, '--format', 'json', '-o', out, ENOSPC], dir);
  assert.equal(run.status, 1, run.stderr);
  assert.equal(run.stdout, '');
  assert.equal(run.stderr, '');
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).findings.length, 2);
  assert.equal(statSync(out).mode & 0o777, 0o640, 'an existing file keeps its mode');
  assert.deepEqual(readdirSync(dir), ['report.json']);
  // Text in a file has no colour; the relative name is the working directory's.
  assert.equal(kcompat(['verifier', '--output', 'v.txt', VERIFIER_LOG], dir).status, 1);
  assert.doesNotMatch(readFileSync(join(dir, 'v.txt'), 'utf8'), /\x1b\[/);
  assert.deepEqual(readdirSync(dir).sort(), ['report.json', 'v.txt']);
  // A file that cannot be written: one line, exit 2, and nothing left behind.
  assertUsageError(
    kcompat([...PLANNED_WHY, '-o', join(dir, 'no-such-dir', 'r.txt'), ENOSPC], dir),
    /^kcompat: -o .*r\.txt: cannot write \(ENOENT\)$/,
  );
  mkdirSync(join(dir, 'taken'));
  assertUsageError(
    kcompat([...PLANNED_WHY, '-o', 'taken', ENOSPC], dir),
    /^kcompat: -o taken: cannot write \(EISDIR\)$/,
  );
  assert.deepEqual(readdirSync(dir).sort(), ['report.json', 'taken', 'v.txt']);
  assertUsageError(
    kcompat([...PLANNED_WHY, '-o', '', ENOSPC], dir),
    /^kcompat: -o "": give a file/,
  );
});

test('-o over a device or a symbolic link writes through it: /dev/null stays a device', (t) => {
  const dir = workdir();
  writeFileSync(join(dir, 'real.txt'), 'old');
  symlinkSync('real.txt', join(dir, 'link.txt'));
  assert.equal(kcompat([...PLANNED_WHY, '-o', 'link.txt', ENOSPC], dir).status, 1);
  assert.ok(lstatSync(join(dir, 'link.txt')).isSymbolicLink(), 'the link stays a link');
  assert.match(readFileSync(join(dir, 'real.txt'), 'utf8'), /^kcompat why: 2 findings/);
  // Renaming over a device would replace it with a regular file (as root, /dev/null itself):
  // a device of the test's own, made with mknod, stands for it.
  if (process.getuid?.() !== 0) return void missing(t, 'mknod needs root');
  const device = join(dir, 'null');
  const made = spawnSync('mknod', ['-m', '666', device, 'c', '1', '3']);
  if (made.status !== 0) return void missing(t, `mknod: ${made.stderr}`);
  assert.equal(kcompat([...PLANNED_WHY, '-o', device, ENOSPC], dir).status, 1);
  assert.ok(statSync(device).isCharacterDevice(), 'still a character device');
  // A full disk (/dev/full's twin): one line, exit 2.
  spawnSync('mknod', ['-m', '666', join(dir, 'full'), 'c', '1', '7']);
  assertUsageError(
    kcompat([...PLANNED_WHY, '-o', 'full', ENOSPC], dir),
    /^kcompat: -o full: cannot write \(ENOSPC\)$/,
  );
  assert.deepEqual(readdirSync(dir).sort(), ['full', 'link.txt', 'null', 'real.txt']);
});

test('--quiet prints nothing, warnings included: the exit code is the answer', () => {
  const dir = workdir({ '.kcompatignore': 'cgroup-device-bpf exp:2020-01-01\n' });
  for (const args of [
    [...PLANNED_WHY, '-q', ENOSPC],
    [...PLANNED_CHECK, '--quiet'],
    ['verifier', '-q', VERIFIER_LOG],
  ]) {
    const run = kcompat(args, dir);
    assert.equal(run.status, 1, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, '');
  }
  const clean = kcompat(['check', '--no-probe', '--kernel', '6.1.0-13-amd64', '-q'], dir);
  assert.deepEqual([clean.status, clean.stdout, clean.stderr], [0, '', '']);
  // With -o the file is still written; an error is still one line.
  assert.equal(kcompat([...PLANNED_WHY, '-q', '-o', 'r.txt', ENOSPC], dir).status, 1);
  assert.match(readFileSync(join(dir, 'r.txt'), 'utf8'), /^kcompat why: 2 findings/);
  assertUsageError(kcompat(['why', '-q', join(dir, 'missing.log')], dir), /missing\.log/);
});

test("verifier: the log's result is the one finding the filters read; the explanation stays", () => {
  const ignored = kcompat([
    'verifier',
    '--format',
    'json',
    '--ignore',
    'complexity-limit',
    VERIFIER_LOG,
  ]);
  assert.equal(ignored.status, 0);
  assert.equal(json(ignored).explanation.id, 'complexity-limit');
  assert.deepEqual(json(ignored).filtered, {
    ignored: [{ id: 'complexity-limit', by: '--ignore' }],
    leftOut: 0,
  });
  assert.equal(kcompat(['verifier', '--fail-on', 'confirmed', VERIFIER_LOG]).status, 1);
  assert.equal(kcompat(['verifier', '--verdict', 'likely', VERIFIER_LOG]).status, 0);
  const critical = kcompat(['verifier', '--min-severity', 'critical', VERIFIER_LOG]);
  assert.equal(critical.status, 0);
  assert.match(critical.stdout, /\nFiltered: 1 finding left out \(severity below critical\)\.\n$/);
  assertUsageError(
    kcompat(['verifier', '--min-severity', 'loud', VERIFIER_LOG]),
    /^kcompat: --min-severity "loud": not a severity/,
  );
});
