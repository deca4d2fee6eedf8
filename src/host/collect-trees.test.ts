// Host collection on fake host trees of other distros and kernels (the live machine is tested
// in collect.test.ts). Each tree holds only the files collection reads.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { kernelConfig, writeHostTree, type HostTree } from '../../test/host-trees.js';
import type { Facts } from '../core/facts.js';
import { collectFacts } from './collect.js';

const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

async function factsOf(tree: HostTree): Promise<Facts> {
  const root = writeHostTree(tree);
  roots.push(root);
  return collectFacts({ root, bpf: true, components: true });
}

const value = (facts: Facts, key: string) => {
  const fact = facts[key];
  return fact && 'value' in fact ? fact.value : { unknown: fact?.unknown };
};

const BPF_CONFIG = kernelConfig({
  CONFIG_BPF: 'y',
  CONFIG_BPF_SYSCALL: 'y',
  CONFIG_DEBUG_INFO_BTF: 'y',
  CONFIG_KPROBES: 'y',
  CONFIG_FPROBE: 'y',
  CONFIG_BPF_LSM: 'n',
});

test('Debian bullseye: uname -v gives the upstream version; config from /boot; Debian userns knob', async () => {
  const facts = await factsOf({
    release: '5.10.0-26-amd64',
    unameVersion: '#1 SMP Debian 5.10.197-1 (2023-09-29)',
    cgroup: 'v2',
    config: { where: 'boot', text: BPF_CONFIG },
    btf: true,
    lockdown: '[none] integrity confidentiality',
    sysctls: { 'kernel/unprivileged_userns_clone': '1' },
  });
  assert.equal(value(facts, 'kernel.upstream'), '5.10.197');
  assert.equal(value(facts, 'kernel.resolvedBy'), 'debian-uname-v');
  assert.equal(value(facts, 'kernel.config'), '/boot/config-5.10.0-26-amd64');
  assert.equal(value(facts, 'kernel.config.CONFIG_FPROBE'), 'y');
  assert.equal(value(facts, 'kernel.config.CONFIG_BPF_LSM'), 'n');
  assert.equal(value(facts, 'kernel.lockdown'), 'none');
  assert.equal(value(facts, 'userns.unprivilegedUsernsClone'), 1);
  assert.equal(value(facts, 'cgroup.layout'), 'v2');
  assert.deepEqual(value(facts, 'cgroup.current.controllers'), ['memory', 'pids']);
  // BPF probes and commands run only on the live host.
  assert.match(String((facts['bpf.probes'] as { unknown: string }).unknown), /live host/);
});

test('Ubuntu 20.04: version_signature, hybrid cgroups, no BTF, lockdown unknown without securityfs', async () => {
  const facts = await factsOf({
    release: '5.4.0-91-generic',
    unameVersion: '#102-Ubuntu SMP Fri Nov 5 16:31:28 UTC 2021',
    versionSignature: 'Ubuntu 5.4.0-91.102-generic 5.4.151',
    cgroup: 'hybrid',
    config: { where: 'boot', text: BPF_CONFIG },
    btf: false,
  });
  assert.equal(value(facts, 'kernel.upstream'), '5.4.151');
  assert.equal(value(facts, 'kernel.resolvedBy'), 'ubuntu-version-signature');
  assert.equal(value(facts, 'kernel.btf'), false);
  assert.equal(value(facts, 'cgroup.layout'), 'hybrid');
  assert.equal(value(facts, 'cgroup.v2.mountPoint'), '/sys/fs/cgroup/unified');
  assert.ok('unknown' in facts['kernel.lockdown']!);
});

test('Ubuntu 22.04 and 24.04: frozen 6.8.12 signature is backport-heavy; AppArmor userns restriction', async () => {
  const jammy = await factsOf({
    release: '5.15.0-97-generic',
    unameVersion: '#107-Ubuntu SMP',
    versionSignature: 'Ubuntu 5.15.0-97.107-generic 5.15.136',
    cgroup: 'v2',
    config: { where: 'boot', text: BPF_CONFIG },
    btf: true,
  });
  assert.equal(value(jammy, 'kernel.upstream'), '5.15.136');
  assert.equal(value(jammy, 'kernel.backportHeavy'), false);
  const noble = await factsOf({
    release: '6.8.0-45-generic',
    unameVersion: '#45-Ubuntu SMP PREEMPT_DYNAMIC',
    versionSignature: 'Ubuntu 6.8.0-45.45-generic 6.8.12',
    cgroup: 'v2',
    config: { where: 'boot', text: BPF_CONFIG },
    btf: true,
    sysctls: { 'kernel/apparmor_restrict_unprivileged_userns': '1' },
    umask: '0027',
  });
  assert.equal(value(noble, 'kernel.backportHeavy'), true);
  assert.equal(value(noble, 'userns.apparmorRestrictUnprivileged'), 1);
  assert.equal(value(noble, 'process.umask'), '0027');
  assert.equal(value(noble, 'userns.unprivilegedUsernsClone'), null);
});

test('RHEL 8 and 9: backport-heavy, no upstream version; cgroup v1 on 8', async () => {
  const rhel8 = await factsOf({
    release: '4.18.0-513.5.1.el8_9.x86_64',
    unameVersion: '#1 SMP Fri Sep 29 05:21:10 EDT 2023',
    cgroup: 'v1',
    config: { where: 'boot', text: BPF_CONFIG },
    btf: true,
  });
  assert.equal(value(rhel8, 'kernel.backportHeavy'), true);
  assert.ok('unknown' in rhel8['kernel.upstream']!);
  assert.equal(value(rhel8, 'cgroup.layout'), 'v1');
  assert.ok('unknown' in rhel8['cgroup.current']!);
  const rhel9 = await factsOf({
    release: '5.14.0-362.8.1.el9_3.x86_64',
    unameVersion: '#1 SMP PREEMPT_DYNAMIC',
    cgroup: 'v2',
    config: { where: 'boot', text: BPF_CONFIG },
    btf: true,
    memlock: ['unlimited', 'unlimited'],
  });
  assert.equal(value(rhel9, 'kernel.backportHeavy'), true);
  assert.deepEqual(value(rhel9, 'process.memlock'), { soft: null, hard: null });
});

test('Amazon Linux 2 and WSL2: upstream-numbered releases, config from /proc/config.gz', async () => {
  const al2 = await factsOf({
    release: '5.10.205-195.807.amzn2.x86_64',
    unameVersion: '#1 SMP Tue Jan 16 18:28:59 UTC 2024',
    cgroup: 'v1',
    config: { where: 'proc', text: BPF_CONFIG },
    btf: true,
  });
  assert.equal(value(al2, 'kernel.upstream'), '5.10.205');
  assert.equal(value(al2, 'kernel.config'), '/proc/config.gz');
  const wsl = await factsOf({
    release: '5.15.133.1-microsoft-standard-WSL2',
    unameVersion: '#1 SMP Thu Oct 5 21:02:42 UTC 2023',
    cgroup: 'hybrid',
    config: { where: 'proc', text: BPF_CONFIG },
    btf: true,
    uid: 0,
    capEff: '000001ffffffffff',
    subuid: 'dev:100000:65536\n',
  });
  assert.equal(value(wsl, 'kernel.upstream'), '5.15.133');
  assert.ok((value(wsl, 'process.capabilities') as string[]).includes('CAP_BPF'));
  assert.equal(value(wsl, 'process.uid'), 0);
});

test('a tree with no /proc at all: facts unknown with reasons, nothing thrown', async () => {
  const root = writeHostTree({
    release: 'x',
    unameVersion: 'x',
    cgroup: 'v2',
    config: { where: 'boot', text: '' },
    btf: false,
  });
  roots.push(root);
  rmSync(`${root}/proc`, { recursive: true, force: true });
  const facts = await collectFacts({ root, bpf: true, components: false });
  assert.ok('unknown' in facts['kernel.release']!);
  assert.ok('unknown' in facts['process.uid']!);
  assert.ok('unknown' in facts['cgroup.layout']!);
  assert.ok('unknown' in facts['procfs.threadSelf']!);
});

test('files of a tree that are devices, FIFOs or sparse are refused by what is read, never hang', async () => {
  const root = writeHostTree({
    release: '6.1.0-18-amd64',
    unameVersion: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)',
    cgroup: 'v2',
    config: { where: 'boot', text: BPF_CONFIG },
    btf: true,
  });
  roots.push(root);
  // A device that never ends, a FIFO with no writer, and a sparse file of 2 GiB.
  rmSync(`${root}/proc/sys/kernel/osrelease`, { force: true });
  symlinkSync('/dev/zero', `${root}/proc/sys/kernel/osrelease`);
  rmSync(`${root}/proc/self/mountinfo`, { force: true });
  assert.equal(spawnSync('mkfifo', [`${root}/proc/self/mountinfo`]).status, 0);
  rmSync(`${root}/sys/kernel/btf/vmlinux`, { force: true });
  writeFileSync(`${root}/sys/kernel/btf/vmlinux`, '');
  truncateSync(`${root}/sys/kernel/btf/vmlinux`, 2 ** 31);
  const facts = await collectFacts({ root, bpf: true, components: false });
  assert.ok('unknown' in facts['kernel.release']!, JSON.stringify(facts['kernel.release']));
  assert.match(JSON.stringify(facts['cgroup.layout']), /"unknown":".*a FIFO, not a file/);
  // The sparse BTF file exists (that is the fact); the probe reading it is bounded.
  assert.equal(value(facts, 'kernel.btf'), true);
});
