// Host collection: the running kernel's release and the text that reveals its upstream version.
import { kernelFacts, unknown, type Facts } from '../core/facts.js';
import type { HostFs } from './read.js';

export function collectKernelFacts(fs: HostFs): Facts {
  const release = fs.text('/proc/sys/kernel/osrelease');
  if (!release)
    return {
      'kernel.release': unknown('/proc/sys/kernel/osrelease is not readable'),
      'kernel.upstream': unknown('the kernel release is unknown'),
    };
  const versionSignature = fs.text('/proc/version_signature');
  const unameVersion = fs.text('/proc/sys/kernel/version');
  return kernelFacts(release, '/proc/sys/kernel/osrelease', {
    ...(versionSignature ? { versionSignature } : {}),
    ...(unameVersion ? { unameVersion } : {}),
  });
}
