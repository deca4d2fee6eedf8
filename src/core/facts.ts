// Host facts: each a value with where it came from, or unknown with the reason. Never a guess.
//
// Keys are flat and dotted ("kernel.upstream", "components.crun.version"), the same in the
// JSON contract, in --facts files and in knowledge-base conditions.
import { resolveKernelRelease, type KernelVersionHints } from './kernel-release.js';
import { normalizeVersion } from './versions.js';

export type FactValue = string | number | boolean | null | unknown[] | { [key: string]: unknown };
/** A value with where it came from, or unknown with the reason. */
export type Fact = { value: FactValue; source: string } | { unknown: string };
export type KnownFact = Extract<Fact, { value: unknown }>;
export type Facts = Record<string, Fact>;

export function isKnown(fact: Fact | undefined): fact is KnownFact {
  return fact !== undefined && 'value' in fact;
}

export function known(value: FactValue, source: string): Fact {
  return { value, source };
}

export function unknown(reason: string): Fact {
  return { unknown: reason };
}

export function componentVersionKey(component: string): string {
  return `components.${component}.version`;
}

/** The component a fact key names (`components.crun.version` -> crun): componentVersionKey's inverse. */
export function componentOfKey(key: string): string | undefined {
  return /^components\.(.+)\.version$/.exec(key)?.[1];
}

/** The kernel.* facts for a release string, resolved to its upstream version. */
export function kernelFacts(
  release: string,
  source: string,
  hints: KernelVersionHints = {},
): Facts {
  const resolution = resolveKernelRelease(release, hints);
  const facts: Facts = {
    'kernel.release': known(resolution.release, source),
    'kernel.resolvedBy': known(resolution.resolvedBy, resolution.detail),
    'kernel.backportHeavy': known(resolution.backportHeavy, resolution.detail),
  };
  if (resolution.upstream) {
    facts['kernel.upstream'] = known(resolution.upstream, resolution.detail);
  } else {
    facts['kernel.upstream'] = unknown(resolution.detail);
  }
  facts['kernel.upstreamRange'] = resolution.upstreamRange
    ? known(resolution.upstreamRange, resolution.detail)
    : unknown(resolution.upstream ? 'the exact version is known' : resolution.detail);
  facts['kernel.distro'] = resolution.distro
    ? known(resolution.distro, resolution.detail)
    : unknown('not recognisable from the release string');
  return facts;
}

/**
 * Facts that describe a running kernel (its config, BTF, probed BPF features): when planning
 * for another kernel with --kernel, they no longer apply and are dropped rather than mixed in.
 */
export function withoutKernelFacts(facts: Facts): Facts {
  return Object.fromEntries(
    Object.entries(facts).filter(([key]) => !key.startsWith('kernel.') && !key.startsWith('bpf.')),
  );
}

export class FactInputError extends Error {}

/** Parses `--with NAME@VERSION` into the component's version fact. */
export function componentFact(spec: string, source: string): Facts {
  const at = spec.lastIndexOf('@');
  const name = spec.slice(0, at).trim().toLowerCase();
  const versionText = spec.slice(at + 1).trim();
  if (at <= 0 || !/^[a-z0-9][a-z0-9_.-]*$/.test(name)) {
    throw new FactInputError(`--with ${spec}: expected NAME@VERSION, like crun@1.14.0`);
  }
  if (versionText === 'none' || versionText === 'absent') {
    return { [componentVersionKey(name)]: known(null, `${source} (not installed)`) };
  }
  const version = normalizeVersion(versionText);
  if (!version) {
    throw new FactInputError(`--with ${spec}: "${versionText}" is not a version`);
  }
  return { [componentVersionKey(name)]: known(version, source) };
}

/** Later facts override earlier ones, key by key. */
/**
 * The numeric sysctls kcompat takes as facts, by the name `sysctl` prints and their fact key: the
 * host reads them under /proc/sys (src/host/system.ts), and a pasted text may state them
 * (src/core/text-facts.ts). The user namespace ones are read by the host with their own rules.
 */
export const SYSCTL_FACT_KEYS: Readonly<Record<string, string>> = {
  'kernel.unprivileged_bpf_disabled': 'kernel.unprivilegedBpfDisabled',
  'net.core.bpf_jit_enable': 'kernel.bpfJitEnable',
  'net.core.bpf_jit_harden': 'kernel.bpfJitHarden',
  'kernel.perf_event_paranoid': 'kernel.perfEventParanoid',
  // BPF JIT memory across all programs (4.20+, bpf_jit_limit; 0 fails every JIT load).
  'net.core.bpf_jit_limit': 'kernel.bpfJitLimit',
  'kernel.pid_max': 'kernel.pidMax',
  'kernel.threads-max': 'kernel.threadsMax',
  'fs.inotify.max_user_instances': 'inotify.maxUserInstances',
  'fs.inotify.max_user_watches': 'inotify.maxUserWatches',
  'user.max_user_namespaces': 'userns.maxUserNamespaces',
  'kernel.unprivileged_userns_clone': 'userns.unprivilegedUsernsClone',
  'kernel.apparmor_restrict_unprivileged_userns': 'userns.apparmorRestrictUnprivileged',
};

/** Where a sysctl is read: kernel.pid_max is /proc/sys/kernel/pid_max. */
// include/uapi/linux/capability.h, bit numbers 0..40.
export const CAPABILITY_NAMES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

/** The capability names of a CapEff / CapPrm mask as /proc/<pid>/status prints it (hex). */
export function capabilityNames(hexMask: string): string[] {
  const mask = BigInt(`0x${hexMask}`);
  return CAPABILITY_NAMES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

export function sysctlPath(name: string): string {
  return `/proc/sys/${name.replace(/\./g, '/')}`;
}

export function mergeFacts(...layers: Facts[]): Facts {
  return Object.assign({}, ...layers) as Facts;
}

/** A fact the text states that differs from what the host kcompat runs on says. */
export interface FactConflict {
  key: string;
  text: FactValue;
  textSource: string;
  host: FactValue;
  hostSource: string;
}

/**
 * The facts a diagnosis decides with, in one precedence, lowest first: the host kcompat runs on
 * (probed, or a --facts file), then what the text states (it describes the machine where the
 * error happened), then what the user gives on the command line (--kernel, --with). When the text
 * names a kernel, the host's kernel and BPF facts describe another kernel and are dropped. Where
 * the text contradicts the host, the conflict is returned so the report can say so.
 */
export function layerTextFacts(
  host: Facts,
  text: Facts,
  explicit: Facts = {},
): { facts: Facts; conflicts: FactConflict[] } {
  const conflicts: FactConflict[] = [];
  for (const [key, fact] of Object.entries(text)) {
    const other = host[key];
    if (
      isKnown(fact) &&
      isKnown(other) &&
      JSON.stringify(fact.value) !== JSON.stringify(other.value) &&
      !(key in explicit)
    )
      conflicts.push({
        key,
        text: fact.value,
        textSource: fact.source,
        host: other.value,
        hostSource: other.source,
      });
  }
  const base = 'kernel.release' in text ? withoutKernelFacts(host) : host;
  return { facts: mergeFacts(base, text, explicit), conflicts };
}
