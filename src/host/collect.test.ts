// Live host collection on this machine: facts from the real kernel, unprivileged runs, and no
// trace left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kcompatAsNobody, requireRootBpf, requireRootSetpriv } from '../../test/require.js';
import { isKnown } from '../core/facts.js';
import { collectFacts } from './collect.js';

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

function snapshot() {
  const cgroups: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 3) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries)
      if (entry.isDirectory()) {
        cgroups.push(join(dir, entry.name));
        walk(join(dir, entry.name), depth + 1);
      }
  };
  walk('/sys/fs/cgroup', 0);
  return {
    fds: readdirSync('/proc/self/fd').sort(),
    mounts: readFileSync('/proc/self/mountinfo', 'utf8'),
    bpffs: (() => {
      try {
        return readdirSync('/sys/fs/bpf').sort();
      } catch {
        return ['(absent)'];
      }
    })(),
    cgroups: cgroups.sort(),
  };
}

test('live facts: every fact is a value with a source or unknown with a reason', async (t) => {
  if (!requireRootBpf(t)) return;
  const facts = await collectFacts();
  for (const [key, fact] of Object.entries(facts)) {
    if ('value' in fact) assert.ok(fact.source.length > 0, key);
    else assert.ok(fact.unknown.length > 0, key);
  }
  for (const key of [
    'kernel.release',
    'kernel.upstream',
    'process.uid',
    'process.umask',
    'process.memlock',
    'cgroup.layout',
    'procfs.threadSelf',
    'bpf.progType.socket_filter',
    'userns.maxUserNamespaces',
  ]) {
    assert.ok(isKnown(facts[key]), `${key}: ${JSON.stringify(facts[key])}`);
  }
  // LAB.md: securityfs is not mounted here, so lockdown must be unknown, not guessed.
  if (!readFileSync('/proc/self/mountinfo', 'utf8').includes(' securityfs ')) {
    assert.ok('unknown' in facts['kernel.lockdown']!);
  }
  assert.equal(
    facts['process.uid'] && 'value' in facts['process.uid'] ? facts['process.uid'].value : -1,
    0,
  );
});

test('probing leaves no trace: fds, mounts, bpffs pins and cgroups are unchanged', async (t) => {
  if (!requireRootBpf(t)) return;
  const before = snapshot();
  await collectFacts();
  await collectFacts();
  const after = snapshot();
  assert.deepEqual(after.fds, before.fds);
  assert.equal(after.mounts, before.mounts);
  assert.deepEqual(after.bpffs, before.bpffs);
  assert.deepEqual(after.cgroups, before.cgroups);
});

test('probing as an unprivileged user: BPF facts inconclusive with the reason, exit 0', (t) => {
  if (!requireRootBpf(t) || !requireRootSetpriv(t)) return;
  const result = kcompatAsNobody(BIN, ['probe', '--format', 'json']);
  assert.equal(result.status, 0, result.stderr);
  const facts = JSON.parse(result.stdout).facts as Record<
    string,
    { value?: unknown; source?: string; unknown?: string }
  >;
  assert.equal(facts['process.uid']?.value, 65534);
  const bpfKeys = Object.keys(facts).filter(
    (key) => key.startsWith('bpf.progType.') || key.startsWith('bpf.mapType.'),
  );
  assert.ok(bpfKeys.length > 50);
  for (const key of bpfKeys) {
    // unprivileged_bpf_disabled (LAB.md: 2 here) makes bpf() fail with EPERM: never "unsupported".
    assert.notEqual(facts[key]?.value, 'unsupported', `${key}: ${facts[key]?.source}`);
  }
  assert.equal(facts['bpf.progType.socket_filter']?.value, 'inconclusive');
  assert.match(facts['bpf.progType.socket_filter']?.source ?? '', /EPERM/);
});
