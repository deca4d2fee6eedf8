// Host collection: the running kernel's release and the text that reveals its upstream version.
import { machine, release as unameRelease, version as unameVersionText } from 'node:os';
import { kernelFacts, known, unknown, type Facts } from '../core/facts.js';
import type { HostFs } from './read.js';

export function collectKernelFacts(fs: HostFs): Facts {
  return { ...collectReleaseFacts(fs), 'kernel.arch': archFact(fs) };
}

/**
 * The machine architecture as uname -m prints it (x86_64, aarch64): BPF trampolines, JIT
 * features and direct calls arrived per architecture. A host tree does not say it.
 */
function archFact(fs: HostFs) {
  return fs.root === '/'
    ? known(machine(), 'uname(2) machine')
    : unknown('a host tree does not record its architecture');
}

function collectReleaseFacts(fs: HostFs): Facts {
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
