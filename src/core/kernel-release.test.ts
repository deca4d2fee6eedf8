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

test("Debian's 6.1 rebuilt for bullseye (0.deb11.N) resolves through its own rows", () => {
  // bullseye-backports (uname -a "... Debian 6.1.69-1~bpo11+1 (2024-01-05)") and bullseye-security
  // (Packages index: linux-image-6.1.0-0.deb11.52-amd64-unsigned 6.1.180-1~deb11u1).
  const backport = resolveKernelRelease('6.1.0-0.deb11.17-cloud-amd64');
  assert.equal(backport.upstream, '6.1.69');
  assert.equal(backport.resolvedBy, 'abi-table');
  assert.equal(backport.distro, 'debian');
  assert.match(backport.detail, /bullseye-backports, verified, upload 6\.1\.69-1~bpo11\+1/);
  assert.equal(resolveKernelRelease('6.1.0-0.deb11.7-powerpc64le').upstream, '6.1.20');
  const security = resolveKernelRelease('6.1.0-0.deb11.52-amd64');
  assert.equal(security.upstream, '6.1.180');
  assert.match(security.detail, /bullseye-security/);
});

test("a 0.deb11.N without a row of its own takes bookworm's ABI N, and says so", () => {
  const result = resolveKernelRelease('6.1.0-0.deb11.21-amd64');
  assert.equal(result.upstream, '6.1.90');
  assert.equal(result.resolvedBy, 'abi-table');
  assert.match(result.detail, /newer release's ABI 6\.1\.0-21 rebuilt for Debian 11/);
  // bookworm's ABI 10 covers 6.1.37 to 6.1.38: bounds, as for bookworm itself.
  assert.deepEqual(resolveKernelRelease('6.1.0-0.deb11.10-amd64').upstreamRange, {
    min: '6.1.37',
    max: '6.1.38',
  });
});

test('rebuilds of a series with no rows of their own stay at the series', () => {
  // 6.0 and 5.19 reached bullseye-backports from unstable; the table has no such rows.
  const result = resolveKernelRelease('6.0.0-0.deb11.6-amd64');
  assert.equal(result.upstream, undefined);
  assert.deepEqual(result.upstreamRange, { min: '6.0.0', max: '6.0.9999' });
});

test("bookworm's own ABI lookups ignore the rebuild rows", () => {
  assert.equal(resolveKernelRelease('6.1.0-17-amd64').upstream, '6.1.69');
  assert.equal(resolveKernelRelease('6.1.0-52-amd64').upstream, '6.1.180');
  assert.deepEqual(resolveKernelRelease('6.1.0-57-amd64').upstreamRange, {
    min: '6.1.192',
    max: '6.1.9999',
  });
});

test("Debian's uname -v wins over the table for a backport too", () => {
  const result = resolveKernelRelease('6.1.0-0.deb11.17-amd64', {
    unameVersion: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.69-1~bpo11+1 (2024-01-05)',
  });
  assert.equal(result.upstream, '6.1.69');
  assert.equal(result.resolvedBy, 'debian-uname-v');
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
