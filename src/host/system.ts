// Host facts read from files: kernel config, BTF, lockdown, sysctls, bpffs and cgroup mounts,
// user namespaces, the process's credentials and limits, procfs. Reads only; never mounts.
import { constants } from 'node:fs';
import {
  capabilityNames,
  known,
  SYSCTL_FACT_KEYS,
  sysctlPath,
  unknown,
  type Facts,
} from '../core/facts.js';
import type { HostFs } from './read.js';

/** Kernel options the knowledge base and the probes care about. */
export const KERNEL_CONFIG_OPTIONS = [
  'CONFIG_BPF',
  'CONFIG_BPF_SYSCALL',
  'CONFIG_BPF_JIT',
  'CONFIG_BPF_JIT_ALWAYS_ON',
  'CONFIG_BPF_UNPRIV_DEFAULT_OFF',
  'CONFIG_BPF_LSM',
  'CONFIG_BPF_EVENTS',
  'CONFIG_CGROUP_BPF',
  'CONFIG_DEBUG_INFO_BTF',
  'CONFIG_DEBUG_INFO_BTF_MODULES',
  'CONFIG_KPROBES',
  'CONFIG_KPROBE_EVENTS',
  'CONFIG_UPROBE_EVENTS',
  'CONFIG_FPROBE',
  'CONFIG_FUNCTION_TRACER',
  'CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS',
  'CONFIG_SECURITY_LOCKDOWN_LSM',
  'CONFIG_USER_NS',
  'CONFIG_CGROUPS',
  'CONFIG_MEMCG',
  'CONFIG_MODULES',
  'CONFIG_IKCONFIG_PROC',
  'CONFIG_IKHEADERS',
  'CONFIG_CFS_BANDWIDTH',
  'CONFIG_CGROUP_PIDS',
  'CONFIG_OVERLAY_FS',
  'CONFIG_BRIDGE_NETFILTER',
  'CONFIG_NF_TABLES',
  'CONFIG_IP_NF_NAT',
  'CONFIG_SECURITY_SELINUX',
  'CONFIG_SECURITY_APPARMOR',
  'CONFIG_SECCOMP_FILTER',
  'CONFIG_FTRACE_SYSCALLS',
  'CONFIG_DEBUG_FS',
  'CONFIG_NET_CLS_BPF',
  'CONFIG_NET_SCH_INGRESS',
  'CONFIG_HAVE_DYNAMIC_FTRACE_WITH_DIRECT_CALLS',
];

/** Parses a Kconfig .config text into option -> value ("y", "m", a string, or "n" when unset). */
export function parseKernelConfig(text: string): Record<string, string> {
  const options: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const set = /^(CONFIG_\w+)=(.*)$/.exec(line);
    if (set?.[1]) options[set[1]] = (set[2] ?? '').replace(/^"(.*)"$/, '$1');
    const unset = /^# (CONFIG_\w+) is not set$/.exec(line);
    if (unset?.[1]) options[unset[1]] = 'n';
  }
  return options;
}

export function collectKernelConfigFacts(fs: HostFs, release: string | undefined): Facts {
  const candidates = ['/proc/config.gz', ...(release ? [`/boot/config-${release}`] : [])];
  const reasons: string[] = [];
  for (const path of candidates) {
    const result = fs.read(path);
    if (!result.ok) {
      reasons.push(result.reason);
      continue;
    }
    const options = parseKernelConfig(result.text);
    const facts: Facts = { 'kernel.config': known(path, `kernel configuration read from ${path}`) };
    for (const option of KERNEL_CONFIG_OPTIONS) {
      // An option absent from a complete .config is not set.
      facts[`kernel.config.${option}`] = known(options[option] ?? 'n', path);
    }
    return facts;
  }
  const reason = `no kernel configuration found (${reasons.join('; ')})`;
  return {
    'kernel.config': unknown(reason),
    ...Object.fromEntries(
      KERNEL_CONFIG_OPTIONS.map((option) => [`kernel.config.${option}`, unknown(reason)]),
    ),
  };
}

export function collectKernelFeatureFacts(fs: HostFs): Facts {
  const facts: Facts = {};
  // /sys/kernel/btf/vmlinux first shipped in 5.4 (commit 341dfcf8d78e, August 2019; the 5.4.y
  // tree's kernel/bpf/sysfs_btf.c creates it). Documentation/ABI/testing/sysfs-kernel-btf says
  // 5.5, one release late: the 5.4.y tree already carries that document.
  facts['kernel.btf'] = fs.exists('/sys/kernel/btf/vmlinux')
    ? known(true, '/sys/kernel/btf/vmlinux exists')
    : fs.exists('/sys/kernel')
      ? known(
          false,
          '/sys/kernel/btf/vmlinux does not exist (kernel built without CONFIG_DEBUG_INFO_BTF, or older than 5.4)',
        )
      : unknown('/sys is not mounted or not visible here');

  const lockdown = fs.read('/sys/kernel/security/lockdown');
  if (lockdown.ok) {
    const selected = /\[(\w+)\]/.exec(lockdown.text)?.[1];
    facts['kernel.lockdown'] = selected
      ? known(selected, '/sys/kernel/security/lockdown')
      : unknown(`cannot parse /sys/kernel/security/lockdown: ${lockdown.text.trim()}`);
  } else if (!fs.exists('/sys/kernel/security/lsm')) {
    facts['kernel.lockdown'] = unknown(
      'securityfs is not mounted at /sys/kernel/security (kcompat never mounts it)',
    );
  } else {
    facts['kernel.lockdown'] = fs.exists('/sys/kernel/security')
      ? known(
          'none',
          'securityfs is mounted but has no lockdown file: the lockdown LSM is not active',
        )
      : unknown(lockdown.reason);
  }

  for (const [name, key] of Object.entries(SYSCTL_FACT_KEYS))
    if (!key.startsWith('userns.')) facts[key] = numericSysctl(fs, sysctlPath(name));
  Object.assign(facts, collectSecurityModuleFacts(fs), collectKernelListFacts(fs));
  return facts;
}

/**
 * The active LSMs and the state of SELinux and AppArmor. /sys/kernel/security/lsm lists the
 * active LSMs in order (securityfs; "bpf" there means BPF LSM programs can run); SELinux's mode
 * is /sys/fs/selinux/enforce (selinuxfs); AppArmor's module says Y when it is enabled.
 */
function collectSecurityModuleFacts(fs: HostFs): Facts {
  const facts: Facts = {};
  const lsm = fs.read('/sys/kernel/security/lsm');
  facts['kernel.lsm'] = lsm.ok
    ? known(lsm.text.trim().split(',').filter(Boolean), '/sys/kernel/security/lsm')
    : fs.exists('/sys/kernel/security/lockdown') || fs.exists('/sys/kernel/security/apparmor')
      ? unknown(lsm.reason)
      : unknown('securityfs is not mounted at /sys/kernel/security (kcompat never mounts it)');
  const enforce = fs.read('/sys/fs/selinux/enforce');
  facts['kernel.selinux'] = enforce.ok
    ? known(enforce.text.trim() === '1' ? 'enforcing' : 'permissive', '/sys/fs/selinux/enforce')
    : fs.exists('/sys/fs') && !fs.exists('/sys/fs/selinux')
      ? known('disabled', '/sys/fs/selinux does not exist (SELinux is not enabled)')
      : unknown(enforce.reason);
  const apparmor = fs.read('/sys/module/apparmor/parameters/enabled');
  facts['kernel.apparmor'] = apparmor.ok
    ? known(apparmor.text.trim() === 'Y', '/sys/module/apparmor/parameters/enabled')
    : fs.exists('/sys/module')
      ? known(false, '/sys/module/apparmor does not exist (AppArmor is not built in or not loaded)')
      : unknown(apparmor.reason);
  return facts;
}

/**
 * Lists the kernel reports: loaded modules (/proc/modules; a kernel without CONFIG_MODULES has
 * none, its features are built in), filesystems it can mount (/proc/filesystems: overlay,
 * cgroup2, bpf, tracefs), and cgroup v1 controllers it has enabled (/proc/cgroups: a controller
 * disabled at boot, cgroup_disable=memory, has 0 in its last column).
 */
function collectKernelListFacts(fs: HostFs): Facts {
  const modules = listFile(fs, '/proc/modules', (line) => line.split(' ')[0]);
  return {
    'kernel.modules':
      !modules.ok && fs.exists('/proc/sys/kernel/osrelease') && !fs.exists('/proc/modules')
        ? known(
            [],
            '/proc/modules does not exist: the kernel has no loadable modules (CONFIG_MODULES off)',
          )
        : modules.fact,
    'kernel.filesystems': listFile(fs, '/proc/filesystems', (line) =>
      line.trim().split(/\s+/).pop(),
    ).fact,
    'cgroup.enabledControllers': listFile(
      fs,
      '/proc/cgroups',
      (line) => {
        if (line.startsWith('#')) return undefined;
        const fields = line.split('\t');
        return fields[3]?.trim() === '1' ? fields[0] : undefined;
      },
      '/proc/cgroups (enabled column)',
    ).fact,
  };
}

/** A list fact from a file: one item per line that itemOf names (empty lines skipped). */
function listFile(
  fs: HostFs,
  path: string,
  itemOf: (line: string) => string | undefined,
  source = path,
) {
  const result = fs.read(path);
  if (!result.ok) return { ok: false, fact: unknown(result.reason) };
  const items = result.text
    .split('\n')
    .filter((line) => line !== '')
    .map(itemOf)
    .filter((item): item is string => Boolean(item));
  return { ok: true, fact: known(items, source) };
}

function numericSysctl(fs: HostFs, path: string) {
  const result = fs.read(path);
  if (!result.ok) return unknown(result.reason);
  const value = Number.parseInt(result.text.trim(), 10);
  return Number.isNaN(value) ? unknown(`${path}: not a number`) : known(value, path);
}

/** A sysctl that only some kernels have: its absence is a fact too. */
function optionalSysctl(fs: HostFs, path: string, absentMeans: string) {
  if (!fs.exists(path)) {
    // Only when /proc/sys is really there does a missing knob say something about the kernel.
    if (!fs.exists('/proc/sys/kernel/osrelease'))
      return unknown(
        `${path} does not exist, but neither does /proc/sys/kernel/osrelease: /proc/sys is hidden or not mounted`,
      );
    return known(null, `${path} does not exist: ${absentMeans}`);
  }
  return numericSysctl(fs, path);
}

interface Mount {
  mountPoint: string;
  fsType: string;
  options: string[];
}

/** /proc/self/mountinfo: "id parent major:minor root mountpoint opts ... - fstype source superopts". */
export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fields = left.split(' ');
    const [fsType, , superOptions = ''] = right.split(' ');
    const mountPoint = fields[4];
    if (!mountPoint || !fsType) continue;
    mounts.push({
      mountPoint: mountPoint.replace(/\\040/g, ' '),
      fsType,
      options: [...(fields[5] ?? '').split(','), ...superOptions.split(',')].filter(Boolean),
    });
  }
  return mounts;
}

export function collectMountFacts(fs: HostFs): Facts {
  const result = fs.read('/proc/self/mountinfo');
  if (!result.ok) {
    const reason = `cannot read mounts: ${result.reason}`;
    return {
      'bpffs.mounts': unknown(reason),
      'cgroup.layout': unknown(reason),
      'tracefs.mounts': unknown(reason),
      'debugfs.mounts': unknown(reason),
    };
  }
  const mounts = parseMountinfo(result.text);
  const facts: Facts = {};
  const bpffs = mounts
    .filter((mount) => mount.fsType === 'bpf')
    .map((mount) => ({
      mountPoint: mount.mountPoint,
      options: mount.options,
      delegate: Object.fromEntries(
        mount.options
          .filter((option) => option.startsWith('delegate_'))
          .map((option) => option.split('=') as [string, string]),
      ),
    }));
  facts['bpffs.mounts'] = known(bpffs, '/proc/self/mountinfo (type bpf)');
  facts['bpffs.sysFsBpfMounted'] = known(
    bpffs.some((mount) => mount.mountPoint === '/sys/fs/bpf'),
    '/proc/self/mountinfo',
  );
  facts['bpffs.delegation'] = known(
    bpffs.some((mount) => Object.keys(mount.delegate).length > 0),
    'delegate_* options on bpffs mounts (BPF token delegation, 6.9+)',
  );

  const v2 = mounts.filter((mount) => mount.fsType === 'cgroup2');
  const v1 = mounts.filter((mount) => mount.fsType === 'cgroup');
  const unified = v2.find((mount) => mount.mountPoint === '/sys/fs/cgroup') ?? v2[0];
  const layout =
    v2.length > 0 && v1.length === 0
      ? 'v2'
      : v2.length > 0
        ? 'hybrid'
        : v1.length > 0
          ? 'v1'
          : undefined;
  facts['cgroup.layout'] = layout
    ? known(
        layout,
        `/proc/self/mountinfo: ${v1.length} cgroup v1 mount(s), ${v2.length} cgroup2 mount(s)`,
      )
    : unknown('no cgroup filesystem is mounted in this mount namespace');
  if (unified) facts['cgroup.v2.mountPoint'] = known(unified.mountPoint, '/proc/self/mountinfo');
  for (const [key, type] of [
    ['tracefs.mounts', 'tracefs'],
    ['debugfs.mounts', 'debugfs'],
  ] as const)
    facts[key] = known(
      mounts.filter((mount) => mount.fsType === type).map((mount) => mount.mountPoint),
      `/proc/self/mountinfo (type ${type})`,
    );
  Object.assign(facts, collectCgroupV2Facts(fs, unified?.mountPoint));
  return facts;
}

function collectCgroupV2Facts(fs: HostFs, mountPoint: string | undefined): Facts {
  if (!mountPoint) {
    const reason = 'no cgroup2 filesystem is mounted';
    return { 'cgroup.v2.controllers': unknown(reason), 'cgroup.current': unknown(reason) };
  }
  const facts: Facts = {};
  const controllers = fs.text(`${mountPoint}/cgroup.controllers`);
  facts['cgroup.v2.controllers'] =
    controllers !== undefined
      ? known(controllers.split(/\s+/).filter(Boolean), `${mountPoint}/cgroup.controllers`)
      : unknown(`cannot read ${mountPoint}/cgroup.controllers`);
  const self = fs.read('/proc/self/cgroup');
  const current = self.ok ? /^0::(.*)$/m.exec(self.text)?.[1] : undefined;
  if (current === undefined) {
    facts['cgroup.current'] = unknown(
      self.ok ? '/proc/self/cgroup has no cgroup2 entry' : self.reason,
    );
    return facts;
  }
  facts['cgroup.current'] = known(current, '/proc/self/cgroup (0::)');
  const dir = `${mountPoint}${current === '/' ? '' : current}`;
  const subtree = fs.text(`${dir}/cgroup.subtree_control`);
  facts['cgroup.current.subtreeControl'] =
    subtree !== undefined
      ? known(subtree.split(/\s+/).filter(Boolean), `${dir}/cgroup.subtree_control`)
      : unknown(`cannot read ${dir}/cgroup.subtree_control`);
  const memoryMax = fs.text(`${dir}/memory.max`);
  facts['cgroup.current.memoryMax'] =
    memoryMax === undefined
      ? unknown(`cannot read ${dir}/memory.max (the memory controller is not enabled here)`)
      : known(memoryMax === 'max' ? 'max' : Number(memoryMax), `${dir}/memory.max`);
  const pidsMax = fs.text(`${dir}/pids.max`);
  facts['cgroup.current.pidsMax'] =
    pidsMax === undefined
      ? unknown(`cannot read ${dir}/pids.max (the pids controller is not enabled here)`)
      : known(pidsMax === 'max' ? 'max' : Number(pidsMax), `${dir}/pids.max`);
  const delegated = fs.text(`${dir}/cgroup.controllers`);
  facts['cgroup.current.controllers'] =
    delegated !== undefined
      ? known(
          delegated.split(/\s+/).filter(Boolean),
          `${dir}/cgroup.controllers (controllers available to this cgroup)`,
        )
      : unknown(`cannot read ${dir}/cgroup.controllers`);
  const access = fs.canAccess(dir, constants.R_OK | constants.X_OK);
  facts['cgroup.current.accessible'] =
    typeof access === 'boolean'
      ? known(access, `access(${dir}, R_OK|X_OK)`)
      : unknown(`${dir}: ${access}`);
  const mode = fs.mode(dir);
  if (mode === undefined) {
    facts['cgroup.current.mode'] = unknown(`cannot stat ${dir}`);
    facts['cgroup.current.othersCanEnter'] = unknown(`cannot stat ${dir}`);
  } else {
    facts['cgroup.current.mode'] = known(`0${mode.toString(8)}`, `stat ${dir}`);
    // A user namespace that does not map the cgroup's owner sees only the "other" bits.
    facts['cgroup.current.othersCanEnter'] = known(
      (mode & 0o005) === 0o005,
      `mode 0${mode.toString(8)} of ${dir}`,
    );
  }
  return facts;
}

export function collectUsernsFacts(
  fs: HostFs,
  uid: number | undefined,
  userName: string | undefined,
): Facts {
  const facts: Facts = {
    'userns.maxUserNamespaces': numericSysctl(fs, sysctlPath('user.max_user_namespaces')),
    'userns.unprivilegedUsernsClone': optionalSysctl(
      fs,
      sysctlPath('kernel.unprivileged_userns_clone'),
      'the Debian knob is not in this kernel',
    ),
    'userns.apparmorRestrictUnprivileged': optionalSysctl(
      fs,
      sysctlPath('kernel.apparmor_restrict_unprivileged_userns'),
      'no Ubuntu AppArmor user-namespace restriction in this kernel',
    ),
  };
  for (const kind of ['subuid', 'subgid'] as const) {
    const result = fs.read(`/etc/${kind}`);
    if (!result.ok) {
      facts[`userns.${kind}`] = result.reason.endsWith('does not exist')
        ? known([], `/etc/${kind} does not exist`)
        : unknown(result.reason);
      continue;
    }
    const ranges = result.text
      .split('\n')
      .map((line) => line.trim().split(':'))
      .filter(([owner]) => owner !== undefined && (owner === userName || owner === String(uid)))
      .map(([, start, count]) => `${start}:${count}`);
    facts[`userns.${kind}`] = known(ranges, `/etc/${kind} entries for ${userName ?? uid}`);
  }
  return facts;
}

/** uid, capabilities, umask, seccomp and no_new_privs from /proc/self/status; memlock from limits. */
export function collectProcessFacts(fs: HostFs): Facts {
  const facts: Facts = {};
  const status = fs.read('/proc/self/status');
  if (!status.ok) {
    for (const key of ['process.uid', 'process.capabilities', 'process.umask'])
      facts[key] = unknown(status.reason);
    // The live process can still ask the kernel who it is, without /proc.
    if (fs.root === '/' && process.getuid && process.geteuid) {
      facts['process.uid'] = known(process.getuid(), `getuid(2) (${status.reason})`);
      facts['process.euid'] = known(process.geteuid(), `geteuid(2) (${status.reason})`);
    }
  } else {
    const field = (name: string) =>
      new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status.text)?.[1]?.trim();
    const uids = field('Uid')?.split(/\s+/);
    facts['process.uid'] = uids?.[0]
      ? known(Number(uids[0]), '/proc/self/status Uid (real)')
      : unknown('no Uid line');
    facts['process.euid'] = uids?.[1]
      ? known(Number(uids[1]), '/proc/self/status Uid (effective)')
      : unknown('no Uid line');
    const capEff = field('CapEff');
    facts['process.capabilities'] = capEff
      ? known(capabilityNames(capEff), '/proc/self/status CapEff')
      : unknown('no CapEff line');
    const umask = field('Umask');
    facts['process.umask'] = umask
      ? known(umask, '/proc/self/status Umask')
      : unknown('no Umask line (kernel before 4.7)');
    const seccomp = field('Seccomp');
    facts['process.seccomp'] =
      seccomp !== undefined
        ? known(
            ['disabled', 'strict', 'filter'][Number(seccomp)] ?? seccomp,
            '/proc/self/status Seccomp',
          )
        : unknown('no Seccomp line');
    const noNewPrivs = field('NoNewPrivs');
    facts['process.noNewPrivs'] =
      noNewPrivs !== undefined
        ? known(noNewPrivs === '1', '/proc/self/status NoNewPrivs')
        : unknown('no NoNewPrivs line');
  }
  const limits = fs.read('/proc/self/limits');
  const memlock = limits.ok ? /^Max locked memory\s+(\S+)\s+(\S+)/m.exec(limits.text) : null;
  facts['process.memlock'] = memlock
    ? known(
        { soft: limitValue(memlock[1]!), hard: limitValue(memlock[2]!) },
        '/proc/self/limits (bytes; null = unlimited)',
      )
    : unknown(limits.ok ? 'no "Max locked memory" line' : limits.reason);
  // RLIMIT_NOFILE and RLIMIT_NPROC: every BPF map, program and per-CPU perf buffer is a file
  // descriptor; threads count against the process limit.
  for (const [key, line] of [
    ['process.nofile', 'Max open files'],
    ['process.nproc', 'Max processes'],
  ] as const) {
    const limit = limits.ok
      ? new RegExp(`^${line}\\s+(\\S+)\\s+(\\S+)`, 'm').exec(limits.text)
      : null;
    facts[key] = limit
      ? known(
          { soft: limitValue(limit[1]!), hard: limitValue(limit[2]!) },
          '/proc/self/limits (null = unlimited)',
        )
      : unknown(limits.ok ? `no "${line}" line` : limits.reason);
  }
  facts['procfs.threadSelf'] = fs.exists('/proc/thread-self')
    ? known(true, '/proc/thread-self exists')
    : fs.exists('/proc/self')
      ? known(
          false,
          '/proc/thread-self does not exist (kernel before 3.17, or a procfs emulation without it)',
        )
      : unknown('/proc is not mounted');
  return facts;
}

function limitValue(text: string): number | null {
  return text === 'unlimited' ? null : Number(text);
}
