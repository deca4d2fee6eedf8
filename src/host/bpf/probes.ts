// BPF feature probes: each one loads a tiny program or creates a tiny map through bpf(2) and
// reads the answer in three states. Declarations carry the kernel version that introduced the
// feature and its upstream source, as cilium/ebpf's features package does.
//
// Reading errnos: EPERM or EACCES before the verifier runs means "this process may not use
// bpf()" (no CAP_BPF, unprivileged_bpf_disabled, seccomp): inconclusive, never unsupported.
// EINVAL with an empty verifier log means the kernel rejected the request before verifying it
// (an unknown type or attach type): unsupported. A non-empty log means the verifier ran, so the
// kernel knows the type even though our dummy program was not acceptable to it.
import { closeSync, openSync } from 'node:fs';
import {
  Attr,
  call,
  createMap,
  exit,
  jltImm,
  addImm,
  loadIntBtf,
  loadProgram,
  movImm,
  RETURN_ZERO,
  type MapCreateSpec,
} from './attrs.js';
import type { BpfSyscall } from './syscall.js';
import { findFuncTypeId } from './btf.js';
import { errnoName } from './errno-names.js';

export type ProbeState = 'supported' | 'unsupported' | 'inconclusive';

export interface ProbeOutcome {
  state: ProbeState;
  /** errno name when the kernel answered with one. */
  errno?: string;
  /** Why, in words: shown as the fact's source or unknown reason. */
  detail: string;
}

export interface ProbeDeclaration {
  /** Fact key, e.g. bpf.progType.kprobe. */
  key: string;
  /** Upstream kernel version that introduced the feature. */
  since: string;
  /** Upstream source of that boundary. */
  source: string;
  run(sys: BpfSyscall): ProbeOutcome;
}

const EPERM = 1;
const EACCES = 13;
const EINVAL = 22;
const E2BIG = 7;
const EBADF = 9;
const ENOSPC = 28;
const EOPNOTSUPP = 95;
const ENOTSUPP = 524;

const LOG = { level: 1, size: 64 * 1024 };

function denied(errno: number): ProbeOutcome {
  const name = errnoName(errno);
  const detail =
    process.getuid?.() === 0
      ? `bpf() refused with ${name} although running as root: something here blocks it (lockdown, an LSM, seccomp, or a VM that forbids the kernel text patching this needs)`
      : `bpf() refused with ${name}: needs CAP_BPF (or root), or kernel.unprivileged_bpf_disabled forbids it`;
  return { state: 'inconclusive', errno: name, detail };
}

/** A failed bpf() call: denied (EPERM/EACCES), unsupported for the given errnos, else inconclusive. */
function failure(
  errno: number,
  what: string,
  unsupportedErrnos: readonly number[] = [],
): ProbeOutcome {
  if (errno === EPERM || errno === EACCES) return denied(errno);
  const name = errnoName(errno);
  return unsupportedErrnos.includes(errno)
    ? { state: 'unsupported', errno: name, detail: `${what}: ${name}` }
    : { state: 'inconclusive', errno: name, detail: `${what}: unexpected ${name}` };
}

function fromProgLoad(
  fd: number,
  errno: number,
  log: string,
  sys: BpfSyscall,
  what: string,
): ProbeOutcome {
  if (fd >= 0) {
    sys.close(fd);
    return { state: 'supported', detail: `${what}: loaded` };
  }
  if (errno === EPERM || errno === EACCES) {
    if (log.length === 0) return denied(errno);
  }
  if (log.length > 0)
    return {
      state: 'supported',
      errno: errnoName(errno),
      detail: `${what}: the verifier ran (${errnoName(errno)}: ${lastLine(log)})`,
    };
  if (errno === EINVAL || errno === E2BIG || errno === EOPNOTSUPP || errno === ENOTSUPP) {
    return {
      state: 'unsupported',
      errno: errnoName(errno),
      detail: `${what}: rejected before verification with ${errnoName(errno)}`,
    };
  }
  return {
    state: 'inconclusive',
    errno: errnoName(errno),
    detail: `${what}: unexpected ${errnoName(errno)}`,
  };
}

/** The verifier's last message, skipping the statistics lines it ends with. */
function lastLine(log: string): string {
  const lines = log
    .trim()
    .split('\n')
    .filter((line) => !/^(processed \d+ insns|verification time|stack depth)/.test(line));
  return (lines[lines.length - 1] ?? '').slice(0, 160);
}

// ---------------------------------------------------------------------------------------------
// Program types: bpftool's names, enum bpf_prog_type values and the attach type a load needs.
// Versions: the kernel that added each type (include/uapi/linux/bpf.h history; cilium/ebpf
// features/prog.go lists the same boundaries).
interface ProgTypeInfo {
  name: string;
  value: number;
  since: string;
  expectedAttachType?: number;
}

export const PROG_TYPES: readonly ProgTypeInfo[] = [
  { name: 'socket_filter', value: 1, since: '3.19' },
  { name: 'kprobe', value: 2, since: '4.1' },
  { name: 'sched_cls', value: 3, since: '4.1' },
  { name: 'sched_act', value: 4, since: '4.1' },
  { name: 'tracepoint', value: 5, since: '4.7' },
  { name: 'xdp', value: 6, since: '4.8' },
  { name: 'perf_event', value: 7, since: '4.9' },
  { name: 'cgroup_skb', value: 8, since: '4.10' },
  { name: 'cgroup_sock', value: 9, since: '4.10' },
  { name: 'lwt_in', value: 10, since: '4.10' },
  { name: 'lwt_out', value: 11, since: '4.10' },
  { name: 'lwt_xmit', value: 12, since: '4.10' },
  { name: 'sock_ops', value: 13, since: '4.13' },
  { name: 'sk_skb', value: 14, since: '4.14' },
  { name: 'cgroup_device', value: 15, since: '4.15' },
  { name: 'sk_msg', value: 16, since: '4.17' },
  { name: 'raw_tracepoint', value: 17, since: '4.17' },
  { name: 'cgroup_sock_addr', value: 18, since: '4.17', expectedAttachType: 8 }, // BPF_CGROUP_INET4_BIND
  { name: 'lwt_seg6local', value: 19, since: '4.18' },
  { name: 'lirc_mode2', value: 20, since: '4.18' },
  { name: 'sk_reuseport', value: 21, since: '4.19' },
  { name: 'flow_dissector', value: 22, since: '4.20' },
  { name: 'cgroup_sysctl', value: 23, since: '5.2' },
  { name: 'raw_tracepoint_writable', value: 24, since: '5.2' },
  { name: 'cgroup_sockopt', value: 25, since: '5.3', expectedAttachType: 21 }, // BPF_CGROUP_GETSOCKOPT
  { name: 'tracing', value: 26, since: '5.5', expectedAttachType: 24 }, // BPF_TRACE_FENTRY
  { name: 'struct_ops', value: 27, since: '5.6' },
  { name: 'ext', value: 28, since: '5.6' },
  { name: 'lsm', value: 29, since: '5.7', expectedAttachType: 27 }, // BPF_LSM_MAC
  { name: 'sk_lookup', value: 30, since: '5.9', expectedAttachType: 36 }, // BPF_SK_LOOKUP
  // 5.14, not the 5.15 of bcc's docs/kernel-versions.md: 79a7f8bdb159 ("bpf: Introduce
  // bpf_sys_bpf() helper and program type", 2021-05-13) went into bpf-next after 5.13-rc1, and
  // cilium/ebpf's features/prog.go probes it as 5.14 too. Do not "fix" it to 5.15.
  // https://github.com/torvalds/linux/commit/79a7f8bdb159d9914b58740f3d31d602a6e4aca8
  { name: 'syscall', value: 31, since: '5.14' },
  { name: 'netfilter', value: 32, since: '6.4', expectedAttachType: 45 }, // BPF_NETFILTER
];

function kernelVersionCode(release: string): number {
  const [major = 0, minor = 0, patch = 0] = release
    .split(/[.-]/)
    .map((part) => Number.parseInt(part, 10) || 0);
  return (major << 16) + (minor << 8) + Math.min(patch, 255);
}

export function progTypeProbe(info: ProgTypeInfo, kernelRelease: string): ProbeDeclaration {
  return {
    key: `bpf.progType.${info.name}`,
    since: info.since,
    source: 'include/uapi/linux/bpf.h enum bpf_prog_type',
    run(sys) {
      // Kernels before 5.0 check kern_version for kprobe programs; later ones ignore it.
      const result = loadProgram(sys, {
        type: info.value,
        insns: RETURN_ZERO,
        expectedAttachType: info.expectedAttachType,
        kernVersion: kernelVersionCode(kernelRelease),
        log: LOG,
      });
      return fromProgLoad(
        result.fd,
        result.errno,
        result.log,
        sys,
        `BPF_PROG_LOAD of a ${info.name} program`,
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Map types: bpftool's names, enum bpf_map_type values and the attributes each needs to be
// created (the same parameters libbpf's probe_map_create() uses).
interface MapTypeInfo {
  name: string;
  value: number;
  since: string;
  spec?: Partial<MapCreateSpec>;
  needs?: 'inner-map' | 'btf';
  /** An errno that proves the type exists (struct_ops without a vmlinux value type). */
  supportedErrno?: number;
}

const BPF_F_NO_PREALLOC = 1;
const BPF_F_MMAPABLE = 1 << 10;

export const MAP_TYPES: readonly MapTypeInfo[] = [
  { name: 'hash', value: 1, since: '3.19' },
  { name: 'array', value: 2, since: '3.19' },
  { name: 'prog_array', value: 3, since: '4.2' },
  { name: 'perf_event_array', value: 4, since: '4.3' },
  { name: 'percpu_hash', value: 5, since: '4.6' },
  { name: 'percpu_array', value: 6, since: '4.6' },
  { name: 'stack_trace', value: 7, since: '4.6', spec: { valueSize: 8 } },
  { name: 'cgroup_array', value: 8, since: '4.8' },
  { name: 'lru_hash', value: 9, since: '4.10' },
  { name: 'lru_percpu_hash', value: 10, since: '4.10' },
  {
    name: 'lpm_trie',
    value: 11,
    since: '4.11',
    spec: { keySize: 8, valueSize: 8, flags: BPF_F_NO_PREALLOC },
  },
  { name: 'array_of_maps', value: 12, since: '4.12', needs: 'inner-map' },
  { name: 'hash_of_maps', value: 13, since: '4.12', needs: 'inner-map' },
  { name: 'devmap', value: 14, since: '4.14' },
  { name: 'sockmap', value: 15, since: '4.14' },
  { name: 'cpumap', value: 16, since: '4.15' },
  { name: 'xskmap', value: 17, since: '4.18' },
  { name: 'sockhash', value: 18, since: '4.18' },
  {
    name: 'cgroup_storage',
    value: 19,
    since: '4.19',
    spec: { keySize: 16, valueSize: 8, maxEntries: 0 },
  },
  { name: 'reuseport_sockarray', value: 20, since: '4.19' },
  {
    name: 'percpu_cgroup_storage',
    value: 21,
    since: '4.20',
    spec: { keySize: 16, valueSize: 8, maxEntries: 0 },
  },
  { name: 'queue', value: 22, since: '4.20', spec: { keySize: 0 } },
  { name: 'stack', value: 23, since: '4.20', spec: { keySize: 0 } },
  { name: 'sk_storage', value: 24, since: '5.2', needs: 'btf' },
  { name: 'devmap_hash', value: 25, since: '5.4' },
  {
    name: 'struct_ops',
    value: 26,
    since: '5.6',
    spec: { btfVmlinuxValueTypeId: 1 },
    supportedErrno: ENOTSUPP,
  },
  {
    name: 'ringbuf',
    value: 27,
    since: '5.8',
    spec: { keySize: 0, valueSize: 0, maxEntries: 4096 },
  },
  { name: 'inode_storage', value: 28, since: '5.10', needs: 'btf' },
  { name: 'task_storage', value: 29, since: '5.11', needs: 'btf' },
  { name: 'bloom_filter', value: 30, since: '5.16', spec: { keySize: 0 } },
  {
    name: 'user_ringbuf',
    value: 31,
    since: '6.1',
    spec: { keySize: 0, valueSize: 0, maxEntries: 4096 },
  },
  { name: 'cgrp_storage', value: 32, since: '6.2', needs: 'btf' },
  {
    name: 'arena',
    value: 33,
    since: '6.9',
    spec: { keySize: 0, valueSize: 0, maxEntries: 1, flags: BPF_F_MMAPABLE },
  },
];

export function mapTypeProbe(info: MapTypeInfo): ProbeDeclaration {
  return {
    key: `bpf.mapType.${info.name}`,
    since: info.since,
    source: 'include/uapi/linux/bpf.h enum bpf_map_type',
    run(sys) {
      const extra: number[] = [];
      try {
        const spec: MapCreateSpec = {
          type: info.value,
          keySize: 4,
          valueSize: 4,
          maxEntries: 1,
          ...info.spec,
        };
        if (info.needs === 'inner-map') {
          const inner = createMap(sys, { type: 2, keySize: 4, valueSize: 4, maxEntries: 1 });
          if (inner.fd < 0) return failure(inner.errno, 'creating the inner array map');
          extra.push(inner.fd);
          spec.innerMapFd = inner.fd;
        }
        if (info.needs === 'btf') {
          const btf = loadIntBtf(sys);
          if (btf.fd < 0) return failure(btf.errno, 'loading the BTF that local-storage maps need');
          extra.push(btf.fd);
          Object.assign(spec, {
            btfFd: btf.fd,
            btfKeyTypeId: 1,
            btfValueTypeId: 1,
            maxEntries: 0,
            flags: BPF_F_NO_PREALLOC,
          });
        }
        const result = createMap(sys, spec);
        const what = `BPF_MAP_CREATE of a ${info.name} map`;
        if (result.fd >= 0) {
          sys.close(result.fd);
          return { state: 'supported', detail: `${what}: created` };
        }
        if (info.supportedErrno !== undefined && result.errno === info.supportedErrno) {
          return {
            state: 'supported',
            errno: errnoName(result.errno),
            detail: `${what}: the kernel knows the type (${errnoName(result.errno)} for the dummy value type)`,
          };
        }
        return failure(result.errno, what, [EINVAL, EOPNOTSUPP, ENOTSUPP]);
      } finally {
        for (const fd of extra) sys.close(fd);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers the knowledge base refers to: enum bpf_func_id values (verified against a 6.18
// vmlinux BTF) and the kernel that added each (iovisor/bcc docs/kernel-versions.md).
interface HelperInfo {
  name: string;
  id: number;
  since: string;
}

export const HELPERS: readonly HelperInfo[] = [
  { name: 'probe_read_kernel', id: 113, since: '5.5' },
  { name: 'probe_write_user', id: 36, since: '4.8' },
  { name: 'override_return', id: 58, since: '4.16' },
  { name: 'send_signal', id: 109, since: '5.3' },
  // 5.8, not the 5.7 of cilium/ebpf's features/prog_test.go: 71d19214776e ("bpf: add
  // bpf_ktime_get_boot_ns()", 2020-04-26) landed after 5.7-rc1, and bcc's kernel-versions.md
  // says 5.8. Do not "fix" it to 5.7.
  // https://github.com/torvalds/linux/commit/71d19214776e61b33da48f7c1b46e522c7f78221
  { name: 'ktime_get_boot_ns', id: 125, since: '5.8' },
  { name: 'ringbuf_output', id: 130, since: '5.8' },
  { name: 'get_current_task_btf', id: 158, since: '5.11' },
  { name: 'for_each_map_elem', id: 164, since: '5.13' },
  { name: 'snprintf', id: 165, since: '5.13' },
  { name: 'get_func_ip', id: 173, since: '5.15' },
  { name: 'get_attach_cookie', id: 174, since: '5.15' },
  { name: 'find_vma', id: 180, since: '5.17' },
  { name: 'loop', id: 181, since: '5.17' },
  { name: 'user_ringbuf_drain', id: 209, since: '6.1' },
];

export function helperProbe(info: HelperInfo, kernelRelease: string): ProbeDeclaration {
  return {
    key: `bpf.helper.${info.name}`,
    since: info.since,
    source: 'include/uapi/linux/bpf.h enum bpf_func_id; iovisor/bcc docs/kernel-versions.md',
    run(sys) {
      // A kprobe program calling the helper; libbpf's libbpf_probe_bpf_helper() reads the
      // verifier log the same way: "invalid func"/"unknown func" means the kernel lacks it.
      const result = loadProgram(sys, {
        type: 2,
        insns: [call(info.id), ...RETURN_ZERO],
        kernVersion: kernelVersionCode(kernelRelease),
        log: LOG,
      });
      const what = `a kprobe program calling bpf_${info.name}`;
      if (result.fd >= 0) {
        sys.close(result.fd);
        return { state: 'supported', detail: `${what}: loaded` };
      }
      if (/invalid func |unknown func /.test(result.log)) {
        return {
          state: 'unsupported',
          errno: errnoName(result.errno),
          detail: `${what}: ${lastLine(result.log)}`,
        };
      }
      if (/cannot use helper|GPL-incompatible|not supported/.test(result.log)) {
        return {
          state: 'supported',
          errno: errnoName(result.errno),
          detail: `${what}: the kernel knows it (${lastLine(result.log)})`,
        };
      }
      if (result.log.length > 0)
        return {
          state: 'supported',
          errno: errnoName(result.errno),
          detail: `${what}: the verifier knows it (${lastLine(result.log)})`,
        };
      if (result.errno === EPERM || result.errno === EACCES) return denied(result.errno);
      return {
        state: 'inconclusive',
        errno: errnoName(result.errno),
        detail: `${what}: ${errnoName(result.errno)} without a verifier log`,
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Other features.

/** Bounded loops (5.3, commit 2589726d12a1 "bpf: introduce bounded loops"). */
const boundedLoops: ProbeDeclaration = {
  key: 'bpf.boundedLoops',
  since: '5.3',
  source: 'https://github.com/torvalds/linux/commit/2589726d12a1',
  run(sys) {
    // r0 = 0; loop: r0 += 1; if r0 < 4 goto loop; exit
    const result = loadProgram(sys, {
      type: 1,
      insns: [movImm(0, 0), addImm(0, 1), jltImm(0, 4, -2), exit()],
      log: LOG,
    });
    if (result.fd < 0 && /back-edge/.test(result.log)) {
      return {
        state: 'unsupported',
        errno: errnoName(result.errno),
        detail: `the verifier rejects back-edges: ${lastLine(result.log)}`,
      };
    }
    return fromProgLoad(
      result.fd,
      result.errno,
      result.log,
      sys,
      'a socket filter with a bounded loop',
    );
  },
};

/**
 * Programs over 4096 instructions for privileged loaders (5.2, commit c04c0d2b968a). The size
 * check comes before verification, so 4097 invalid opcodes tell the limits apart cheaply: a
 * kernel with the 1M limit starts verifying and complains about the opcode (EINVAL with a log),
 * an older one refuses the size (E2BIG) without a log.
 */
const largePrograms: ProbeDeclaration = {
  key: 'bpf.largePrograms',
  since: '5.2',
  source: 'https://github.com/torvalds/linux/commit/c04c0d2b968ac45d6ef020316808ef6c82325a82',
  run(sys) {
    const invalid = Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0]);
    const result = loadProgram(sys, {
      type: 1,
      insns: [...Array.from({ length: 4096 }, () => invalid), exit()],
      log: LOG,
    });
    if (result.log.length > 0) {
      return {
        state: 'supported',
        errno: errnoName(result.errno),
        detail: 'a 4097-instruction program reached the verifier: the 1M instruction limit applies',
      };
    }
    return failure(
      result.errno,
      'a 4097-instruction program was refused before verification (the 4096 limit applies)',
      [E2BIG, EINVAL],
    );
  },
};

/**
 * Does a truncated verifier log fail the load with ENOSPC? (kernel/bpf/log.c; always so far, but
 * this is what crun 1.14 and fixed-buffer loaders trip over.) Also: does the kernel report
 * log_true_size (6.4, commit 47a71c1f9af0 "bpf: Add log_true_size output field")?
 */
function verifierLogProbes(): ProbeDeclaration[] {
  let cached: { fd: number; errno: number; log: string; logTrueSize: number } | undefined;
  const run = (sys: BpfSyscall) => {
    // Twenty instructions at log_level 2 print far more than the 128-byte buffer holds; 128 is
    // the smallest size kernels before 6.4 accept.
    cached ??= loadProgram(sys, {
      type: 1,
      insns: [...Array.from({ length: 20 }, () => movImm(0, 0)), exit()],
      log: { level: 2, size: 128 },
    });
    if (cached.fd >= 0) sys.close(cached.fd);
    return cached;
  };
  return [
    {
      key: 'bpf.logEnospcOnTruncation',
      since: '3.18',
      source: 'kernel/bpf/log.c bpf_vlog_finalize()',
      run(sys) {
        const result = run(sys);
        if (result.fd >= 0)
          return {
            state: 'unsupported',
            detail: 'a valid program with a too-small log buffer loaded',
          };
        if (result.errno === ENOSPC)
          return {
            state: 'supported',
            errno: 'ENOSPC',
            detail: 'a valid program with a 128-byte log buffer failed with ENOSPC',
          };
        return failure(result.errno, 'a valid program with a 128-byte log buffer');
      },
    },
    {
      key: 'bpf.logTrueSize',
      since: '6.4',
      source: 'https://github.com/torvalds/linux/commit/47a71c1f9af0',
      run(sys) {
        const result = run(sys);
        if (result.errno === EPERM || result.errno === EACCES) return denied(result.errno);
        return result.logTrueSize > 0
          ? {
              state: 'supported',
              detail: `the kernel reported log_true_size ${result.logTrueSize}`,
            }
          : { state: 'unsupported', detail: 'the kernel left log_true_size at 0' };
      },
    },
  ];
}

/**
 * BPF_TOKEN_CREATE (6.9). An invalid bpffs fd tells the two kernels apart without mounting
 * anything: a kernel with the command answers EBADF, one without answers EINVAL (unknown
 * command).
 */
const tokenCommand: ProbeDeclaration = {
  key: 'bpf.token',
  since: '6.9',
  source: 'https://github.com/torvalds/linux/commit/35f96de04127',
  run(sys) {
    const attr = new Attr(8).u32(0, 0).u32(4, 0xffffffff);
    const { ret, errno } = sys.bpf(36, attr.buffer);
    if (ret >= 0) {
      sys.close(ret);
      return { state: 'supported', detail: 'BPF_TOKEN_CREATE returned a token' };
    }
    if (errno === EBADF)
      return {
        state: 'supported',
        errno: 'EBADF',
        detail: 'BPF_TOKEN_CREATE exists (EBADF for an invalid bpffs fd)',
      };
    if (errno === EINVAL)
      return {
        state: 'unsupported',
        errno: 'EINVAL',
        detail: 'BPF_TOKEN_CREATE is an unknown bpf() command here (EINVAL)',
      };
    return failure(errno, 'BPF_TOKEN_CREATE with an invalid bpffs fd');
  },
};

/** What libbpf's implicit token attempt on /sys/fs/bpf gets here, as an errno name. */
export function probeTokenFromBpffs(sys: BpfSyscall, path = '/sys/fs/bpf'): ProbeOutcome {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    return {
      state: 'inconclusive',
      detail: `cannot open ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    };
  }
  try {
    const { ret, errno } = sys.bpf(36, new Attr(8).u32(0, 0).u32(4, fd).buffer);
    if (ret >= 0) {
      sys.close(ret);
      return { state: 'supported', detail: `a BPF token was created from ${path}` };
    }
    return {
      state: 'unsupported',
      errno: errnoName(errno),
      detail: `BPF_TOKEN_CREATE from ${path} fails with ${errnoName(errno)} (-${errno}), as libbpf's implicit attempt will`,
    };
  } finally {
    closeSync(fd);
  }
}

/**
 * kprobe.multi links (5.18, commit 0dcac2725406 "bpf: Add multi kprobe link"): the program
 * type loads everywhere, so the link decides. EOPNOTSUPP: a kernel without CONFIG_FPROBE.
 */
const kprobeMulti: ProbeDeclaration = {
  key: 'bpf.kprobeMulti',
  since: '5.18',
  source: 'https://github.com/torvalds/linux/commit/0dcac2725406',
  run(sys) {
    const prog = loadProgram(sys, {
      type: 2,
      insns: RETURN_ZERO,
      expectedAttachType: 42,
      log: LOG,
    });
    if (prog.fd < 0) {
      return failure(prog.errno, 'a kprobe_multi program does not load', [prog.errno]);
    }
    const symbol = Buffer.from('vprintk\0');
    const symbols = new Attr(8).u64(0, sys.address(symbol));
    try {
      // link_create: prog_fd, target_fd, attach_type BPF_TRACE_KPROBE_MULTI (42), flags, then
      // kprobe_multi { flags, cnt, syms, addrs, cookies }.
      const attr = new Attr(48)
        .u32(0, prog.fd)
        .u32(8, 42)
        .u32(20, 1)
        .u64(24, sys.address(symbols.buffer));
      const { ret, errno } = sys.bpf(28, attr.buffer);
      if (ret >= 0) {
        sys.close(ret);
        return { state: 'supported', detail: 'a kprobe.multi link was created' };
      }
      return failure(errno, 'kprobe.multi link creation', [EINVAL, EOPNOTSUPP, ENOTSUPP]);
    } finally {
      sys.close(prog.fd);
    }
  },
};

/**
 * BPF trampolines (fentry/fexit, 5.5, commit fec56f5890d9 "bpf: Introduce BPF trampoline"): an
 * fentry program attached by BTF id to a kernel function. ENOTSUPP means the architecture or
 * kernel cannot build trampolines; EPERM before the verifier is inconclusive (some VMs and
 * lockdown setups forbid the kernel text patching trampolines need).
 */
const trampoline: ProbeDeclaration = {
  key: 'bpf.trampoline',
  since: '5.5',
  source: 'https://github.com/torvalds/linux/commit/fec56f5890d9',
  run(sys) {
    // Test hooks that exist for exactly this purpose (net/bpf/test_run.c), then a common syscall.
    const id = findFuncTypeId(['bpf_fentry_test1', 'do_unlinkat']);
    if (id === undefined) {
      return {
        state: 'inconclusive',
        detail: 'no kernel BTF, or no known function in it to attach to',
      };
    }
    const result = loadProgram(sys, {
      type: 26,
      expectedAttachType: 24,
      attachBtfId: id,
      insns: RETURN_ZERO,
      log: LOG,
    });
    if (result.fd >= 0) {
      sys.close(result.fd);
      return { state: 'supported', detail: 'an fentry program loaded' };
    }
    if (result.errno === ENOTSUPP || result.errno === EOPNOTSUPP) {
      return {
        state: 'unsupported',
        errno: errnoName(result.errno),
        detail: `fentry: ${errnoName(result.errno)} ${lastLine(result.log)}`.trim(),
      };
    }
    return fromProgLoad(result.fd, result.errno, result.log, sys, 'an fentry program');
  },
};

/** Every probe `kcompat probe` runs, in order. */
export function defaultProbes(kernelRelease: string): ProbeDeclaration[] {
  return [
    ...PROG_TYPES.map((info) => progTypeProbe(info, kernelRelease)),
    ...MAP_TYPES.map(mapTypeProbe),
    ...HELPERS.map((info) => helperProbe(info, kernelRelease)),
    boundedLoops,
    largePrograms,
    ...verifierLogProbes(),
    tokenCommand,
    kprobeMulti,
    trampoline,
  ];
}
