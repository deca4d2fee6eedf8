// The fact-key registry the KB loader checks conditions against is what collection produces:
// on this live host and on a fake host tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { kernelConfig, writeHostTree } from '../../test/host-trees.js';
import { defaultProbes } from './bpf/probes.js';
import { collectFacts } from './collect.js';
import { hostFactKeys } from './fact-keys.js';

test('every key the live host gives is registered, and every registered key is given', async () => {
  const keys = hostFactKeys();
  const live = Object.keys(await collectFacts());
  assert.deepEqual(
    live.filter((key) => !keys.has(key)),
    [],
  );
  // bpf.probes stands for the probes where they cannot run: only a host tree gives it.
  assert.deepEqual(
    [...keys].filter((key) => !live.includes(key)),
    ['bpf.probes'],
  );
});

test('a host tree gives only registered keys, bpf.probes among them', async () => {
  const root = writeHostTree({
    release: '5.4.0-150-generic',
    unameVersion: '#167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023',
    cgroup: 'v1',
    btf: false,
    config: { where: 'boot', text: kernelConfig({ CONFIG_BPF: 'y' }) },
  });
  try {
    const facts = Object.keys(await collectFacts({ root }));
    assert.ok(facts.includes('bpf.probes'));
    assert.deepEqual(
      facts.filter((key) => !hostFactKeys().has(key)),
      [],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the probe keys do not depend on the kernel release', () => {
  const keysFor = (release: string) => defaultProbes(release).map((probe) => probe.key);
  assert.deepEqual(keysFor('4.4.0'), keysFor('6.18.0'));
  assert.deepEqual(keysFor('0.0.0'), keysFor('5.10.0-26-amd64'));
});
