// `kcompat probe`: facts grouped by section, the kernel first; --section and KEY... select them;
// a section or key that names nothing is a one-line error (exit 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cliHarness } from './cli-harness.js';

const { kcompat, json, assertUsageError } = cliHarness('kcompat-probe-');
const QUICK = ['probe', '--no-bpf', '--no-components'];

test('probe prints the kernel section first, each fact under its section', () => {
  const run = kcompat(QUICK);
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^kernel \(\d+ facts\)$/);
  assert.match(lines[1]!, /^ {2}kernel\.\w+ /);
  const all = Object.keys(json(kcompat([...QUICK, '--format', 'json'])).facts);
  const shown = lines
    .filter((line) => line.startsWith('  '))
    .map((line) => line.trim().split(/\s/)[0]);
  assert.deepEqual([...shown].sort(), [...all].sort());
});

test('probe --section and probe KEY... print only those facts, in text and JSON', () => {
  const cgroup = kcompat([...QUICK, '--section', 'cgroup', '-s', 'userns']);
  assert.equal(cgroup.status, 0, cgroup.stderr);
  const headings = cgroup.stdout.split('\n').filter((line) => /^\S/.test(line));
  assert.deepEqual(
    headings.map((line) => line.split(' ')[0]),
    ['cgroup', 'userns'],
  );
  const keys = Object.keys(
    json(kcompat([...QUICK, '--format', 'json', 'kernel.upstream', 'process'])).facts,
  );
  assert.ok(keys.includes('kernel.upstream'));
  assert.ok(keys.includes('process.uid'));
  assert.ok(
    keys.every((key) => key === 'kernel.upstream' || key.startsWith('process.')),
    `${keys}`,
  );
});

test('probe: an unknown section or key is one line and exit 2', () => {
  assertUsageError(
    kcompat([...QUICK, '--section', 'kernal']),
    /--section kernal: no such section; the sections are kernel, /,
  );
  assertUsageError(kcompat([...QUICK, 'kernel.upstrem']), /unknown fact "kernel\.upstrem"/);
});
