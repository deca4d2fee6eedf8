// Runs the BPF feature probes and turns their outcomes into facts.
import { known, unknown, type Facts } from '../../core/facts.js';
import { errnoName } from './errno-names.js';
import { defaultProbes, probeTokenFromBpffs, type ProbeOutcome } from './probes.js';
import { BPF_CMD, openBpfSyscall } from './syscall.js';

const ENOSYS = 38;
const DENIED = new Set(['EPERM', 'EACCES']);

export interface BpfProbeContext {
  /** This process's seccomp mode (the process.seccomp fact): "filter" may explain a denial. */
  seccomp?: string;
}

function outcomeFact(outcome: ProbeOutcome, context: BpfProbeContext) {
  const filtered =
    context.seccomp === 'filter' && outcome.errno && DENIED.has(outcome.errno)
      ? '; this process runs under a seccomp filter (/proc/self/status Seccomp: 2), which may be what refuses bpf()'
      : '';
  return known(
    outcome.state,
    outcome.errno ? `${outcome.detail}${filtered} [${outcome.errno}]` : outcome.detail,
  );
}

export function collectBpfFacts(kernelRelease: string, context: BpfProbeContext = {}): Facts {
  const probes = defaultProbes(kernelRelease);
  const keys = [...probes.map((probe) => probe.key), 'bpf.tokenFromSysFsBpf'];
  const sys = openBpfSyscall();
  if (sys instanceof Error)
    return Object.fromEntries(keys.map((key) => [key, unknown(sys.message)]));
  // ENOSYS: there is no bpf() to probe (a kernel without CONFIG_BPF_SYSCALL, or a sandbox whose
  // seccomp filter answers ENOSYS). An all-zero map create asks nothing of the kernel; where
  // bpf() exists it fails with EINVAL (or a denial the probes read themselves).
  const preflight = sys.bpf(BPF_CMD.MAP_CREATE, Buffer.alloc(72));
  if (preflight.ret >= 0) sys.close(preflight.ret);
  else if (preflight.errno === ENOSYS) {
    const reason = `bpf() is not available here (${errnoName(ENOSYS)}): the kernel lacks CONFIG_BPF_SYSCALL${
      context.seccomp === 'filter' ? ", or this process's seccomp filter blocks it" : ''
    }`;
    return Object.fromEntries(keys.map((key) => [key, unknown(reason)]));
  }
  const facts: Facts = {};
  for (const probe of probes) {
    try {
      facts[probe.key] = outcomeFact(probe.run(sys), context);
    } catch (error) {
      facts[probe.key] = unknown(`probe failed: ${(error as Error).message}`);
    }
  }
  facts['bpf.tokenFromSysFsBpf'] = outcomeFact(probeTokenFromBpffs(sys), context);
  return facts;
}
