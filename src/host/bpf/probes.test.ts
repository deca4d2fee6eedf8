// The BPF probes against this machine's real kernel (root), cross-checked with bpftool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { release } from 'node:os';
import { requireCommand, requireRootBpf } from '../../../test/require.js';
import { versionInRanges, normalizeVersion } from '../../core/versions.js';
import {
  defaultProbes,
  helperProbe,
  MAP_TYPES,
  mapTypeProbe,
  PROG_TYPES,
  progTypeProbe,
  probeTokenFromBpffs,
} from './probes.js';
import { openBpfSyscall, type BpfSyscall } from './syscall.js';
import { findFuncTypeId } from './btf.js';

const kernel = normalizeVersion(release())!;
const atLeast = (version: string) => versionInRanges(kernel, [`>=${version}`]);

function runAll(sys: BpfSyscall) {
  return new Map(
    defaultProbes(release()).map((probe) => [probe.key, { ...probe.run(sys), since: probe.since }]),
  );
}

test('probes answer for the running kernel in three states', (t) => {
  if (!requireRootBpf(t)) return;
  const outcomes = runAll(openBpfSyscall() as BpfSyscall);
  for (const [key, outcome] of outcomes) {
    assert.ok(['supported', 'unsupported', 'inconclusive'].includes(outcome.state), key);
    assert.ok(outcome.detail.length > 0, key);
  }
  // Features every kernel this machine can run has had for years.
  for (const key of [
    'bpf.progType.socket_filter',
    'bpf.progType.kprobe',
    'bpf.mapType.hash',
    'bpf.mapType.array',
    'bpf.mapType.lpm_trie',
    'bpf.mapType.array_of_maps',
  ]) {
    assert.equal(outcomes.get(key)?.state, 'supported', key);
  }
  if (atLeast('5.8.0')) assert.equal(outcomes.get('bpf.mapType.ringbuf')?.state, 'supported');
  if (atLeast('5.3.0')) assert.equal(outcomes.get('bpf.boundedLoops')?.state, 'supported');
  if (atLeast('5.2.0')) assert.equal(outcomes.get('bpf.largePrograms')?.state, 'supported');
  if (atLeast('6.4.0')) assert.equal(outcomes.get('bpf.logTrueSize')?.state, 'supported');
  if (atLeast('6.9.0')) assert.equal(outcomes.get('bpf.token')?.state, 'supported');
  if (atLeast('5.17.0')) assert.equal(outcomes.get('bpf.helper.loop')?.state, 'supported');
  // A valid program with a too-small log buffer fails with ENOSPC (LAB.md; kernel/bpf/log.c).
  assert.deepEqual(
    [
      outcomes.get('bpf.logEnospcOnTruncation')?.state,
      outcomes.get('bpf.logEnospcOnTruncation')?.errno,
    ],
    ['supported', 'ENOSPC'],
  );
});

test('types and helpers the kernel does not have are unsupported, not errors', (t) => {
  if (!requireRootBpf(t)) return;
  const sys = openBpfSyscall() as BpfSyscall;
  // Values far past the end of enum bpf_prog_type, bpf_map_type and bpf_func_id.
  assert.equal(
    progTypeProbe({ name: 'future', value: 9999, since: '99.0' }, release()).run(sys).state,
    'unsupported',
  );
  assert.equal(
    mapTypeProbe({ name: 'future', value: 9999, since: '99.0' }).run(sys).state,
    'unsupported',
  );
  const helper = helperProbe({ name: 'future', id: 99999, since: '99.0' }, release()).run(sys);
  assert.equal(helper.state, 'unsupported', helper.detail);
  assert.match(helper.detail, /invalid func|unknown func/);
});

test('the implicit libbpf token attempt on /sys/fs/bpf is read as libbpf will see it', (t) => {
  if (!requireRootBpf(t)) return;
  const outcome = probeTokenFromBpffs(openBpfSyscall() as BpfSyscall);
  // Not a bpffs mount root (LAB.md: unmounted /sys/fs/bpf gives EINVAL); in the initial user
  // namespace a mounted bpffs gives EOPNOTSUPP on 6.9+.
  assert.equal(outcome.state, 'unsupported');
  assert.ok(['EINVAL', 'EOPNOTSUPP', 'ENOENT'].includes(outcome.errno ?? ''), outcome.detail);
});

test('program and map types agree with bpftool feature probe, disagreements explained', (t) => {
  if (!requireRootBpf(t) || !requireCommand(t, 'bpftool')) return;
  const result = spawnSync('bpftool', ['feature', 'probe', 'kernel', '-j'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(result.status, 0, result.stderr);
  const bpftool = JSON.parse(result.stdout) as {
    program_types: Record<string, boolean>;
    map_types: Record<string, boolean>;
  };
  const outcomes = runAll(openBpfSyscall() as BpfSyscall);
  let compared = 0;
  const check = (
    kind: 'progType' | 'mapType',
    names: readonly string[],
    theirs: Record<string, boolean>,
    suffix: string,
  ) => {
    for (const name of names) {
      const their = theirs[`have_${name}_${suffix}`];
      if (their === undefined) continue; // this bpftool predates the type
      const ours = outcomes.get(`bpf.${kind}.${name}`)!;
      compared++;
      if (ours.state === 'inconclusive') {
        // bpftool reads any failure as "not supported"; an EPERM before the verifier ran (here:
        // trampoline-based types in a VM that blocks kernel text patching) only says "could not
        // tell", so we report inconclusive and bpftool reports false.
        assert.equal(
          their,
          false,
          `${name}: we are inconclusive (${ours.detail}) but bpftool says supported`,
        );
        assert.equal(ours.errno, 'EPERM', `${name}: ${ours.detail}`);
        continue;
      }
      assert.equal(
        ours.state === 'supported',
        their,
        `${kind} ${name}: kcompat ${ours.state} (${ours.detail}), bpftool ${their}`,
      );
    }
  };
  check(
    'progType',
    PROG_TYPES.map((p) => p.name),
    bpftool.program_types,
    'prog_type',
  );
  check(
    'mapType',
    MAP_TYPES.map((m) => m.name),
    bpftool.map_types,
    'map_type',
  );
  assert.ok(compared >= 60, `compared ${compared} types`);
});

test('the BTF reader finds the same function ids as bpftool', (t) => {
  if (!requireRootBpf(t) || !requireCommand(t, 'bpftool')) return;
  const dump = spawnSync('bpftool', ['btf', 'dump', 'file', '/sys/kernel/btf/vmlinux'], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  for (const name of ['bpf_fentry_test1', 'do_unlinkat']) {
    const expected = new RegExp(`^\\[(\\d+)\\] FUNC '${name}'`, 'm').exec(dump.stdout)?.[1];
    assert.ok(expected, `${name} is in this kernel's BTF`);
    assert.equal(findFuncTypeId([name]), Number(expected));
  }
  // The trampoline probe: loads where trampolines work; EPERM (inconclusive) where the VM
  // blocks kernel text patching (LAB.md), never "unsupported" on this x86-64 kernel.
  const outcome = runAll(openBpfSyscall() as BpfSyscall).get('bpf.trampoline')!;
  assert.ok(
    outcome.state === 'supported' ||
      (outcome.state === 'inconclusive' && outcome.errno === 'EPERM'),
    outcome.detail,
  );
});
