// A node's log as the failures of several known issues leave it: the first example of each entry,
// one after the other. On a planned Debian 5.10 node with crun 1.14.0 (PLANNED) its report holds
// ten findings of every kind: confirmed, likely, ruled out and benign. The summary layout is
// pinned on it (src/report/summary.test.ts, test/summary.test.ts).
import type { KnowledgeBase } from '../src/kb/load.js';

export const SUMMARY_ENTRIES = [
  'crun-1-14-ebpf-log-enospc',
  'runc-device-cgroup-bpf-attach-einval',
  'bpf-memlock-rlimit',
  'libbpf-token-probe-harmless',
  'cgroup-v1-deprecated-warning',
  'runc-proc-mount-thread-self',
  'kube-proxy-ipvs-nf-conntrack-ipv4-kernel-4-19',
];

export const PLANNED = { kernel: '5.10.0-26-amd64', with: 'crun@1.14.0' };

export function summaryLog(kb: KnowledgeBase): string {
  return `${SUMMARY_ENTRIES.map((id) => {
    const example = kb.byId.get(id)?.examples[0];
    if (!example) throw new Error(`${id}: no such entry with an example`);
    return example.text.trimEnd();
  }).join('\n')}\n`;
}
