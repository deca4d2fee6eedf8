// Runs the BPF feature probes and turns their outcomes into facts.
import { known, unknown, type Facts } from '../../core/facts.js';
import { defaultProbes, probeTokenFromBpffs, type ProbeOutcome } from './probes.js';
import { openBpfSyscall } from './syscall.js';

function outcomeFact(outcome: ProbeOutcome) {
  return known(
    outcome.state,
    outcome.errno ? `${outcome.detail} [${outcome.errno}]` : outcome.detail,
  );
}

export function collectBpfFacts(kernelRelease: string): Facts {
  const probes = defaultProbes(kernelRelease);
  const sys = openBpfSyscall();
  if (sys instanceof Error) {
    return Object.fromEntries(probes.map((probe) => [probe.key, unknown(sys.message)]));
  }
  const facts: Facts = {};
  for (const probe of probes) {
    try {
      facts[probe.key] = outcomeFact(probe.run(sys));
    } catch (error) {
      facts[probe.key] = unknown(`probe failed: ${(error as Error).message}`);
    }
  }
  facts['bpf.tokenFromSysFsBpf'] = outcomeFact(probeTokenFromBpffs(sys));
  return facts;
}
