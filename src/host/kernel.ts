// Host collection: the running kernel's release and the text that reveals its upstream version.
import { release as unameRelease, version as unameVersionText } from 'node:os';
import { kernelFacts, unknown, type Facts } from '../core/facts.js';
import type { HostFs } from './read.js';

export function collectKernelFacts(fs: HostFs): Facts {
  const live = fs.root === '/';
  const fromProc = fs.text('/proc/sys/kernel/osrelease');
  // uname(2) needs no /proc: on the live host it answers when /proc/sys is hidden or absent
  // (some sandboxes); a fake host tree has only its files.
  const release = fromProc || (live ? unameRelease() : undefined);
  if (!release)
    return {
      'kernel.release': unknown('/proc/sys/kernel/osrelease is not readable'),
      'kernel.upstream': unknown('the kernel release is unknown'),
    };
  const versionSignature = fs.text('/proc/version_signature');
  const unameVersion =
    fs.text('/proc/sys/kernel/version') || (live && !fromProc ? unameVersionText() : undefined);
  return kernelFacts(
    release,
    fromProc
      ? '/proc/sys/kernel/osrelease'
      : 'uname(2) (/proc/sys/kernel/osrelease is not readable)',
    {
      ...(versionSignature ? { versionSignature } : {}),
      ...(unameVersion ? { unameVersion } : {}),
    },
  );
}
