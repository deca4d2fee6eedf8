// Every fact key host collection can produce, without collecting anything: the knowledge-base
// loader checks user entries' conditions against it, so that a misspelt or invented fact name is
// refused at load instead of leaving a condition unknown for ever. A test keeps this in step with
// what collectFacts() really returns.
import { componentVersionKey } from '../core/facts.js';
import { defaultProbes } from './bpf/probes.js';
import { COMPONENTS, LIBRARY_COMPONENTS } from './components.js';
import { KERNEL_CONFIG_OPTIONS } from './system.js';

/** The fixed keys of src/host/system.ts, kernel.ts and core/facts.ts kernelFacts. */
const SYSTEM_FACT_KEYS = [
  'kernel.release',
  'kernel.arch',
  'kernel.upstream',
  'kernel.upstreamRange',
  'kernel.resolvedBy',
  'kernel.backportHeavy',
  'kernel.distro',
  'kernel.config',
  'kernel.btf',
  'kernel.lockdown',
  'kernel.unprivilegedBpfDisabled',
  'kernel.bpfJitEnable',
  'kernel.bpfJitHarden',
  'kernel.perfEventParanoid',
  'cgroup.layout',
  'cgroup.v2.mountPoint',
  'cgroup.v2.controllers',
  'cgroup.current',
  'cgroup.current.accessible',
  'cgroup.current.controllers',
  'cgroup.current.mode',
  'cgroup.current.othersCanEnter',
  'cgroup.current.subtreeControl',
  'bpffs.mounts',
  'bpffs.sysFsBpfMounted',
  'bpffs.delegation',
  'procfs.threadSelf',
  'userns.maxUserNamespaces',
  'userns.unprivilegedUsernsClone',
  'userns.apparmorRestrictUnprivileged',
  'userns.subuid',
  'userns.subgid',
  'process.uid',
  'process.euid',
  'process.capabilities',
  'process.umask',
  'process.seccomp',
  'process.noNewPrivs',
  'process.memlock',
  // Stands for all BPF probes where they cannot run (a host tree, an unknown release).
  'bpf.probes',
  'bpf.tokenFromSysFsBpf',
  // Issue 15: facts that decide between the causes of the new families.
  'kernel.bpfJitLimit',
  'kernel.lsm',
  'kernel.selinux',
  'kernel.apparmor',
  'kernel.modules',
  'kernel.filesystems',
  'kernel.pidMax',
  'kernel.threadsMax',
  'tracefs.mounts',
  'debugfs.mounts',
  'inotify.maxUserInstances',
  'inotify.maxUserWatches',
  'cgroup.enabledControllers',
  'cgroup.current.pidsMax',
  'cgroup.current.memoryMax',
  'process.nofile',
  'process.nproc',
  'netfilter.iptablesBackend',
];

let cached: ReadonlySet<string> | undefined;

export function hostFactKeys(): ReadonlySet<string> {
  cached ??= new Set([
    ...SYSTEM_FACT_KEYS,
    ...KERNEL_CONFIG_OPTIONS.map((option) => `kernel.config.${option}`),
    ...[...COMPONENTS, ...LIBRARY_COMPONENTS, { name: 'systemd' }]
      .map((spec) => spec.name)
      .map(componentVersionKey),
    // The probe list does not depend on the release (only some probes' expectations do).
    ...defaultProbes('0.0.0').map((probe) => probe.key),
  ]);
  return cached;
}
