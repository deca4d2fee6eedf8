// Values a user gets wrong, through the built command: each is said in one line on stderr with
// exit 2 (or, where the value is still usable, a warning beside the result), never a silent
// clean result. Also the commands' own names: an unknown one, and `version`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliHarness } from './cli-harness.js';

const { kcompat, json, scratch, fixture, assertUsageError } = cliHarness('kcompat-values-');

function factsFile(name: string, content: unknown): string {
  const file = join(scratch, name);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

test('--kernel banana: not a kernel release, one line and exit 2', () => {
  for (const command of ['check', 'why'])
    assertUsageError(
      kcompat(
        [command, '--no-probe', '--kernel', 'banana', ...(command === 'why' ? ['-'] : [])],
        'x',
      ),
      /^kcompat: --kernel "banana": not a kernel release: it must start with MAJOR\.MINOR/,
    );
});

test('--with foo@1.0: an unknown component is refused and the known ones are listed', () => {
  const run = kcompat(['check', '--no-probe', '--with', 'foo@1.0']);
  assertUsageError(
    run,
    /^kcompat: --with foo@1\.0: unknown component "foo"; the known components are /,
  );
  // The list names what the knowledge base reads (a version range: crun; usedBy: falco) and
  // what the probe collects (bpftool), so the user can correct a misspelling.
  const listed = run.stderr
    .replace(/.*the known components are /, '')
    .trim()
    .split(', ');
  for (const name of ['crun', 'runc', 'falco', 'bpftool']) assert.ok(listed.includes(name), name);
  assert.deepEqual(listed, [...listed].sort());
  // why refuses it the same way, before reading its input.
  assertUsageError(
    kcompat(['why', '--no-probe', '--with', 'crum@1.14.0', fixture('crun-enospc-docker.txt')]),
    /--with crum@1\.14\.0: unknown component "crum"/,
  );
});

test('--with runc@x.y: a malformed version, one line and exit 2', () => {
  assertUsageError(
    kcompat(['check', '--no-probe', '--with', 'runc@x.y']),
    /^kcompat: --with runc@x\.y: "x\.y" is not a version$/,
  );
  assertUsageError(
    kcompat(['check', '--no-probe', '--with', 'runc']),
    /^kcompat: --with runc: expected NAME@VERSION, like crun@1\.14\.0$/,
  );
});

test('a component every form names is accepted: known names in any case, none for absent', () => {
  const run = kcompat([
    'check',
    '--no-probe',
    '--format',
    'json',
    '--with',
    'RUNC@1.1.0',
    '--with',
    'crun@none',
  ]);
  assert.ok([0, 1].includes(run.status!), run.stderr);
  assert.equal(run.stderr, '');
  assert.equal(json(run).facts['components.runc.version'].value, '1.1.0');
  assert.equal(json(run).facts['components.crun.version'].value, null);
});

test('--facts {}: a file with no facts is refused, not checked as a clean host', () => {
  for (const content of [{}, { schemaVersion: 1, facts: {} }])
    assertUsageError(
      kcompat(['check', '--no-probe', '--facts', factsFile('empty.json', content)]),
      /^kcompat: --facts \S+empty\.json: no facts in it /,
    );
});

test('--facts with only unknown keys is refused; with some, a warning names them', () => {
  const unknownOnly = factsFile('unknown.json', {
    schemaVersion: 1,
    facts: {
      'kernel.relase': { value: '6.1.58', source: 'typed by hand' },
      'foo.bar': { value: 1, source: 'typed by hand' },
    },
  });
  assertUsageError(
    kcompat(['check', '--no-probe', '--facts', unknownOnly]),
    /^kcompat: --facts \S+unknown\.json: none of its 2 facts is one kcompat knows \(kernel\.relase, foo\.bar\)/,
  );

  const some = factsFile('some.json', {
    schemaVersion: 1,
    facts: {
      'kernel.release': { value: '5.10.0-26-amd64', source: 'uname -r' },
      'kernel.upstream': { value: '5.10.197', source: 'uname -v' },
      'components.crun.version': { value: '1.14.0', source: 'crun --version' },
      'foo.bar': { value: 1, source: 'typed by hand' },
    },
  });
  const run = kcompat(['check', '--format', 'json', '--facts', some]);
  assert.equal(run.status, 1, run.stderr);
  const warnings = run.stderr.trimEnd().split('\n');
  assert.equal(warnings.length, 1, run.stderr);
  assert.match(
    warnings[0]!,
    /^kcompat: warning: --facts \S+some\.json: a fact no probe collects and no known issue reads, so unused: foo\.bar$/,
  );
  // The usable facts are still used.
  assert.ok(json(run).findings.some((f: { id: string }) => f.id === 'crun-1-14-ebpf-log-enospc'));
});

test('an unknown command names itself and lists the commands, instead of "too many arguments for \'check\'"', () => {
  const run = kcompat(['bogus']);
  assertUsageError(
    run,
    /^kcompat: unknown command 'bogus'; the commands are why, check, probe, verifier, kb, version, help /,
  );
  assert.doesNotMatch(run.stderr, /too many arguments/);
});

test('kcompat version and --version print the package version', () => {
  const { version } = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  for (const args of [['version'], ['--version']]) {
    const run = kcompat(args);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `${version}\n`);
  }
});

test('planning mode: the headline says it is a plan for the given versions, not this host', () => {
  const alone = kcompat([
    'check',
    '--no-probe',
    '--kernel',
    '5.10.0-26-amd64',
    '--with',
    'crun@1.14.0',
    '--with',
    'runc@none',
  ]);
  const headline = alone.stdout.split('\n')[0]!;
  assert.match(
    headline,
    /^kcompat check: \d+ findings? for a plan: kernel 5\.10\.0-26-amd64, crun 1\.14\.0, runc not installed \(\d+ known issues checked against these versions alone\)$/,
  );
  assert.doesNotMatch(alone.stdout, /this host's facts/);
  // Over a facts file, the plan says how many other facts it was checked with.
  const base = factsFile('base.json', {
    'process.uid': { value: 0, source: 'id -u' },
    'cgroup.layout': { value: 'unified', source: 'stat -fc %T /sys/fs/cgroup' },
  });
  const over = kcompat(['check', '--facts', base, '--with', 'crun@1.14.0']);
  assert.match(
    over.stdout.split('\n')[0]!,
    /for a plan: crun 1\.14\.0 \(\d+ known issues checked against these versions and 2 other known facts\)$/,
  );
  const markdown = kcompat(['check', '--no-probe', '--format', 'markdown', '--kernel', '6.1.58']);
  assert.match(
    markdown.stdout,
    /^A plan for kernel 6\.1\.58: checked against these versions alone\.$/m,
  );
  // Without a plan, the headline is about the facts as they are.
  assert.doesNotMatch(kcompat(['check', '--facts', base]).stdout.split('\n')[0]!, /plan/);
});
