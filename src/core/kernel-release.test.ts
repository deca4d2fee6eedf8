import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveKernelRelease } from './kernel-release.js';

test('Debian bullseye ABI resolves through the table', () => {
  const result = resolveKernelRelease('5.10.0-26-amd64');
  assert.equal(result.upstream, '5.10.197');
  assert.equal(result.resolvedBy, 'abi-table');
  assert.equal(result.distro, 'debian');
  assert.equal(resolveKernelRelease('5.10.0-22-cloud-amd64').upstream, '5.10.178');
});

test('a Debian ABI that covers two uploads gives bounds, not a guess', () => {
  const result = resolveKernelRelease('5.10.0-1-amd64');
  assert.equal(result.upstream, undefined);
  assert.deepEqual(result.upstreamRange, { min: '5.10.4', max: '5.10.5' });
});

test("Debian's uname -v wins over the table", () => {
  const result = resolveKernelRelease('5.10.0-26-amd64', {
    unameVersion: '#1 SMP Debian 5.10.197-1 (2023-09-29)',
  });
  assert.equal(result.upstream, '5.10.197');
  assert.equal(result.resolvedBy, 'debian-uname-v');
});

test('Ubuntu: version_signature first, then table points', () => {
  const signed = resolveKernelRelease('5.15.0-73-generic', {
    versionSignature: 'Ubuntu 5.15.0-73.80-generic 5.15.98',
  });
  assert.equal(signed.upstream, '5.15.98');
  assert.equal(signed.resolvedBy, 'ubuntu-version-signature');
  assert.equal(resolveKernelRelease('5.15.0-73-generic').upstream, '5.15.98');
  const between = resolveKernelRelease('5.15.0-88-generic');
  assert.equal(between.upstream, undefined);
  assert.deepEqual(between.upstreamRange, { min: '5.15.122', max: '5.15.131' });
});

test('Ubuntu frozen signatures and cloud flavours', () => {
  const frozen = resolveKernelRelease('6.8.0-87-generic');
  assert.equal(frozen.backportHeavy, true);
  const aws = resolveKernelRelease('5.15.0-1034-aws');
  assert.equal(aws.upstream, undefined);
  assert.equal(aws.upstreamRange, undefined);
  assert.equal(aws.resolvedBy, 'unresolved');
});

test('backporting distros are flagged and get no upstream version', () => {
  for (const release of [
    '4.18.0-513.5.1.el8_9.x86_64',
    '5.14.0-362.8.1.el9_3.x86_64',
    '5.15.0-204.147.6.2.el8uek.x86_64',
    '5.14.21-150500.55.19-default',
  ]) {
    const result = resolveKernelRelease(release);
    assert.equal(result.backportHeavy, true, release);
    assert.equal(result.upstream, undefined, release);
  }
});

test('upstream-numbered releases use their leading X.Y.Z', () => {
  const cases: Record<string, string> = {
    '6.5.6-300.fc39.x86_64': '6.5.6',
    '6.6.7-arch1-1': '6.6.7',
    '5.10.205-195.807.amzn2.x86_64': '5.10.205',
    '5.15.133.1-microsoft-standard-WSL2': '5.15.133',
    '6.12.12-amd64': '6.12.12',
    '6.1.58+': '6.1.58',
    '5.15.98': '5.15.98',
    '7.0.2-1-default-arch': '7.0.2',
  };
  for (const [release, upstream] of Object.entries(cases)) {
    assert.equal(resolveKernelRelease(release).upstream, upstream, release);
  }
});

test('a bare series gives bounds; nonsense is unresolved', () => {
  assert.deepEqual(resolveKernelRelease('5.15').upstreamRange, { min: '5.15.0', max: '5.15.9999' });
  const nonsense = resolveKernelRelease('banana');
  assert.equal(nonsense.resolvedBy, 'unresolved');
  assert.equal(nonsense.upstream, undefined);
});
