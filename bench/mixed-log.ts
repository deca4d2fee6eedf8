// A deterministic generator of a realistic mixed node log (containerd, kubelet, runtime, kernel,
// Tetragon and Cilium JSON lines) with known error texts planted at a known rate, for the `why`
// benchmarks. The same size and seed give the same bytes.
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';

/** Real texts from the knowledge base's examples, planted verbatim (one line each). */
export const PLANTED: readonly { id: string; text: string }[] = [
  {
    id: 'libbpf-token-probe-harmless',
    text: "libbpf: object 'healthchecking_': failed (-22) to create BPF token from '/sys/fs/bpf', skipping optional step...",
  },
  { id: 'btf-vmlinux-missing', text: 'libbpf: failed to find valid kernel BTF' },
  {
    id: 'bpf-verifier-complexity-limit',
    text: 'BPF program is too large. Processed 1000001 insn',
  },
  {
    id: 'cgroup-v2-host-cgroup-v1-only-stack',
    text: 'docker: Error response from daemon: cgroups: cgroup mountpoint does not exist: unknown.',
  },
];

const TEMPLATES: readonly ((i: number, t: string) => string)[] = [
  (i, t) =>
    `${t} node-7 containerd[812]: time="${t}" level=info msg="StartContainer for \\"${hex(i)}\\" returns successfully"`,
  (i, t) =>
    `${t} node-7 kubelet[901]: I1202 02:41:36.${String(i % 1e6).padStart(6, '0')}     901 kubelet.go:2460] "SyncLoop (PLEG): event for pod" pod="default/web-${i % 97}" event={"ID":"${hex(i)}","Type":"ContainerStarted"}`,
  (i, t) =>
    `${t} node-7 kernel: [${(i / 1000).toFixed(6)}] IPv6: ADDRCONF(NETDEV_CHANGE): lxc${hex(i).slice(0, 8)}: link becomes ready`,
  (i, t) =>
    `{"time":"${t}","node_name":"node-7","process_exec":{"process":{"exec_id":"${hex(i)}","pid":${1000 + (i % 30000)},"binary":"/usr/bin/curl","arguments":"-s http://svc-${i % 13}"}}}`,
  (i, t) =>
    `{"level":"info","ts":"${t}","subsys":"endpoint","msg":"Rewrote endpoint BPF program","ciliumEndpointName":"default/web-${i % 97}","endpointID":${i % 4000}}`,
  (i, t) =>
    `${t} node-7 containerd[812]: time="${t}" level=warning msg="cleaning up after shim disconnected" id=${hex(i)} namespace=k8s.io`,
];

function hex(i: number): string {
  return ((i * 2654435761) >>> 0).toString(16).padStart(8, '0').repeat(8);
}

/** The same log in memory, `size` characters or a line more. */
export function mixedLogText(size: number, plantEvery = 10_000): string {
  const lines: string[] = [];
  let written = 0;
  for (let i = 0; written < size; i++) {
    const line = mixedLogLine(i, plantEvery);
    lines.push(line.text);
    written += line.text.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

function mixedLogLine(i: number, plantEvery: number): { text: string; planted?: string } {
  const t = new Date(Date.UTC(2024, 11, 2, 0, 0, 0) + i * 7).toISOString();
  if (i % plantEvery === plantEvery - 1) {
    const plant = PLANTED[((i / plantEvery) % PLANTED.length) | 0]!;
    return { text: `${t} node-7 containerd[812]: ${plant.text}`, planted: plant.id };
  }
  return { text: TEMPLATES[i % TEMPLATES.length]!(i, t) };
}

/** Writes the log (unless it exists at that size) and returns how many of each text were planted. */
export function generateMixedLog(
  path: string,
  size: number,
  plantEvery = 10_000,
): Map<string, number> {
  const counts = new Map<string, number>();
  const fd = existsSync(path) && statSync(path).size >= size ? null : openSync(path, 'w');
  let written = 0;
  let batch: string[] = [];
  for (let i = 0; written < size; i++) {
    const { text: line, planted } = mixedLogLine(i, plantEvery);
    if (planted) counts.set(planted, (counts.get(planted) ?? 0) + 1);
    batch.push(line);
    written += line.length + 1;
    if (batch.length === 8192) {
      if (fd !== null) writeSync(fd, `${batch.join('\n')}\n`);
      batch = [];
    }
  }
  if (fd !== null) {
    if (batch.length > 0) writeSync(fd, `${batch.join('\n')}\n`);
    closeSync(fd);
  }
  return counts;
}
