// Host collection: the running kernel's release and the text that reveals its upstream version.
// Reads files only, under a root directory that tests point at fake host trees.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelFacts, unknown, type Facts } from '../core/facts.js';

function readText(root: string, path: string): string | undefined {
  try {
    return readFileSync(join(root, path), 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function collectKernelFacts(root = '/'): Facts {
  const release = readText(root, 'proc/sys/kernel/osrelease');
  if (!release) return { 'kernel.release': unknown('/proc/sys/kernel/osrelease is not readable') };
  const versionSignature = readText(root, 'proc/version_signature');
  const unameVersion = readText(root, 'proc/sys/kernel/version');
  return kernelFacts(release, '/proc/sys/kernel/osrelease', {
    ...(versionSignature ? { versionSignature } : {}),
    ...(unameVersion ? { unameVersion } : {}),
  });
}
