// The one entry point of host collection: every fact about this machine (or a fake host tree).
import { userInfo } from 'node:os';
import { isKnown, unknown, type Facts } from '../core/facts.js';
import { collectBpfFacts } from './bpf/collect.js';
import { collectComponentFacts } from './components.js';
import { collectKernelFacts } from './kernel.js';
import { HostFs } from './read.js';
import {
  collectKernelConfigFacts,
  collectKernelFeatureFacts,
  collectMountFacts,
  collectProcessFacts,
  collectUsernsFacts,
} from './system.js';

export interface CollectOptions {
  /** Host root; "/" is the live machine. BPF probes and commands run only there. */
  root?: string;
  bpf?: boolean;
  components?: boolean;
}

export async function collectFacts({
  root = '/',
  bpf = true,
  components = true,
}: CollectOptions = {}): Promise<Facts> {
  const fs = new HostFs(root);
  const live = root === '/';
  const kernel = collectKernelFacts(fs);
  const release = isKnown(kernel['kernel.release'])
    ? String(kernel['kernel.release'].value)
    : undefined;
  const processFacts = collectProcessFacts(fs);
  const uid = isKnown(processFacts['process.uid'])
    ? Number(processFacts['process.uid'].value)
    : undefined;
  const userName = live ? safeUserName() : undefined;
  const facts: Facts = {
    ...kernel,
    ...collectKernelConfigFacts(fs, release),
    ...collectKernelFeatureFacts(fs),
    ...collectMountFacts(fs),
    ...collectUsernsFacts(fs, uid, userName),
    ...processFacts,
  };
  // Start the components' `--version` commands first: they run in child processes while the
  // synchronous BPF probes below use this one, so the two overlap instead of adding up.
  const componentFacts = components ? collectComponentFacts(fs) : Promise.resolve({});
  if (bpf) {
    Object.assign(
      facts,
      live && release
        ? collectBpfFacts(release, {
            ...(isKnown(processFacts['process.seccomp'])
              ? { seccomp: String(processFacts['process.seccomp'].value) }
              : {}),
          })
        : {
            'bpf.probes': unknown(
              live ? 'the kernel release is unknown' : 'BPF probes run only on the live host',
            ),
          },
    );
  }
  Object.assign(facts, await componentFacts);
  return facts;
}

function safeUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
