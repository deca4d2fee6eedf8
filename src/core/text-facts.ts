// Facts from the text itself. A paste often carries what decides it: `uname -r` or `uname -a`
// output, the dmesg "Linux version" banner, /lib/modules/<release> paths, a BPF loader's
// kern_version, `runc --version`, `crun --version`, `docker version`, `containerd --version`,
// sysctl lines, `ulimit -l`, lockdown's "[none] integrity confidentiality", `stat -fc %T
// /sys/fs/cgroup`, docker info, and who ran the command (a root prompt, sudo, `id`, CapEff).
// The text describes the machine where the error happened, so these are facts like any other,
// with the source "the text, line N"; reportScan layers them over the facts of the host kcompat
// runs on (src/core/diagnose.ts, mergeTextFacts). Pure.
import { kernelReleaseProblem } from './kernel-release.js';
import {
  CAPABILITY_NAMES,
  capabilityNames,
  componentVersionKey,
  kernelFacts,
  known,
  SYSCTL_FACT_KEYS,
  type Facts,
  type FactValue,
} from './facts.js';
import { normalizeVersion } from './versions.js';

/** `tool version X` lines, as each tool prints its version. */
const VERSION_LINES: { component: string; pattern: RegExp }[] = [
  { component: 'runc', pattern: /\brunc version v?(\d+\.\d+\.\d+\S*)/ },
  { component: 'crun', pattern: /\bcrun version (\d+\.\d+(?:\.\d+)?\S*)/ },
  { component: 'podman', pattern: /\bpodman version (\d+\.\d+\.\d+\S*)/ },
  { component: 'docker', pattern: /\bDocker version (\d+\.\d+\.\d+[^,\s]*)/ },
  {
    component: 'containerd',
    pattern: /\bcontainerd (?:containerd\.io|\S*containerd\/containerd\S*) v?(\d+\.\d+\.\d+\S*)/,
  },
  {
    component: 'kubelet',
    pattern: /\b(?:Kubelet Version:\s*|kubelet version\s*|^Kubernetes )v(\d+\.\d+\.\d+\S*)/,
  },
  { component: 'crio', pattern: /\bcrio version (\d+\.\d+\.\d+\S*)/ },
  { component: 'k3s', pattern: /\bk3s version v(\d+\.\d+\.\d+\S*)/ },
  { component: 'sysbox', pattern: /\bsysbox-runc\b.*\bversion:?\s+v?(\d+\.\d+\.\d+\S*)/ },
  { component: 'bpftool', pattern: /\bbpftool v(\d+\.\d+\.\d+\S*)/ },
  { component: 'libbpf', pattern: /\busing libbpf v(\d+\.\d+(?:\.\d+)?)/ },
  { component: 'bpftrace', pattern: /\bbpftrace v(\d+\.\d+\.\d+\S*)/ },
  {
    component: 'tetragon',
    pattern: /\bStarting tetragon"?[^\n]{0,80}?\bversion=v?(\d+\.\d+\.\d+\S*)/,
  },
  {
    component: 'nvidia-container-toolkit',
    pattern: /\bNVIDIA Container Toolkit CLI version (\d+\.\d+\.\d+\S*)/,
  },
  { component: 'iptables', pattern: /\biptables v(\d+\.\d+\.\d+)/ },
];

/** Sections of `docker version` and `podman version` whose "Version:" names a component. */
const VERSION_SECTIONS: Record<string, string> = {
  engine: 'docker',
  containerd: 'containerd',
  runc: 'runc',
};

/**
 * Literals one of which every line a fact comes from holds: the scanner's prefilter lets such lines
 * through (src/core/log-scanner.ts), as it does the signatures' literals.
 */
export const TEXT_FACT_LITERALS: readonly string[] = [
  'Linux',
  'uname',
  '/lib/modules/',
  'kern_version',
  'ernel Version',
  'ersion',
  '/proc/sys/',
  'ulimit',
  'root@',
  'sudo ',
  'uid=',
  'CapEff',
  'confidentiality',
  'cgroup2fs',
  'Cgroup Version',
  ...Object.keys(SYSCTL_FACT_KEYS),
];

export interface TextFact {
  key: string;
  value: FactValue;
  input: string;
  line: number;
  /** How the line says it, when that is not plain (a prompt, sudo). */
  how?: string;
}

// Who ran the command, from the line that ran it: a root shell's prompt (Fedora/RHEL's
// "[root@host dir]# ", Debian/Ubuntu's "root@host:~# "), or sudo at the start of the command
// (not "sudo -u someone"). A root shell on a host has every capability; one whose host name is a
// container ID (docker's 12 hex digits) has the capabilities the container was given, unknown here.
const ROOT_PROMPT =
  /^\s*(?:\[root@([\w.-]{1,64})[^\]\n]{0,200}\]|root@([\w.-]{1,64}):[^#\n]{0,200})# +\S/;
const SUDO_COMMAND =
  /^\s*(?:[^\s$#%>]{0,200}[$%>] +)?sudo +(?!-u\b|--user\b|-g\b|--group\b|(?:is|was|does|doesn't|can|will|should|may|and|or|to|the|a)\b)(?:-[A-Za-z]{1,6} +){0,4}[\w./~-]/;
const CONTAINER_HOSTNAME = /^[0-9a-f]{12}$/;
const CREDENTIAL_LINE_CHARS = 4096;

/** What a command line in the paste asks, whose answer is the next line. */
type Awaiting =
  | { kind: 'release' }
  | { kind: 'sysctl'; key: string }
  | { kind: 'memlock' }
  | { kind: 'cgroupfs' };

export class TextFactReader {
  private readonly found = new Map<string, TextFact>();
  private awaiting: Awaiting | null = null;
  private section: string | null = null;

  /** Whether the next line must reach push() (the answer to a command on this line). */
  get waiting(): boolean {
    return this.awaiting !== null;
  }

  /** One logical line of an input. */
  push(text: string, input: string, line: number): void {
    const awaiting = this.awaiting;
    this.awaiting = null;
    const set = (key: string, value: FactValue, how?: string) => {
      if (!this.found.has(key))
        this.found.set(key, { key, value, input, line, ...(how ? { how } : {}) });
    };
    const trimmed = text.trim();
    if (awaiting) this.answer(awaiting, trimmed, set);

    const banner = /\bLinux version (\d+\.\d+\S*)/.exec(text);
    const unameA = /^(?:\S+[$#] )?Linux \S+ (\d+\.\d+\.\d+\S*) #\d/.exec(trimmed);
    const stated =
      /\b(?:Kernel Version|Kernel version|kernel version|Kernel):\s*(?:Linux )?(\d+\.\d+\.\d+\S*)/.exec(
        text,
      );
    const modules = /\/lib\/modules\/(\d+\.\d+\.\d+[^/\s'"`]*)/.exec(text);
    const arch =
      /^(?:\S+[$#] )?Linux \S+ \d+\.\d+\.\d+\S* #.* (x86_64|aarch64|arm64|armv7l|ppc64le|s390x|riscv64|loongarch64) GNU\/Linux$/.exec(
        trimmed,
      )?.[1] ??
      /^\s*Architecture:\s*(x86_64|aarch64|arm64|armv7l|ppc64le|s390x|riscv64)\s*$/.exec(text)?.[1];
    if (arch) set('kernel.arch', arch === 'arm64' ? 'aarch64' : arch);
    for (const release of [banner?.[1], unameA?.[1], stated?.[1], modules?.[1]])
      if (release && !kernelReleaseProblem(release)) set('kernel.release', release);
    const code = /\bkern_version (\d{5,8})\b/.exec(text);
    if (code) {
      const value = Number(code[1]);
      set('kernel.versionCode', `${value >> 16}.${(value >> 8) & 0xff}.${value & 0xff}`);
    }

    for (const { component, pattern } of VERSION_LINES) {
      const version = pattern.exec(text)?.[1];
      const normalized = version ? normalizeVersion(version) : null;
      if (normalized) set(componentVersionKey(component), normalized);
    }
    const backend = /\biptables v\d+\.\d+\.\d+ \((nf_tables|legacy)\)/.exec(text);
    if (backend) set('netfilter.iptablesBackend', backend[1]!);

    // `docker version` / `docker info`: a section header, then its "Version:".
    const header = /^\s*(Server: Docker Engine|Engine|containerd|runc|Client)[^:]*:\s*$/.exec(text);
    if (header) this.section = header[1]!.toLowerCase().replace('server: docker ', '');
    const sectionVersion = /^\s*Version:\s+v?(\d+\.\d+\.\d+\S*)\s*$/.exec(text);
    if (sectionVersion && this.section && VERSION_SECTIONS[this.section]) {
      const normalized = normalizeVersion(sectionVersion[1]!);
      if (normalized) set(componentVersionKey(VERSION_SECTIONS[this.section]!), normalized);
    }
    const cgroupVersion = /^\s*Cgroup Version:\s*([12])\s*$/.exec(text);
    if (cgroupVersion) set('cgroup.layout', cgroupVersion[1] === '2' ? 'v2' : 'v1');

    // Sysctls (SYSCTL_FACT_KEYS): `sysctl name` prints "name = value"; a line that sets it
    // (sysctl -w, echo, a config suggestion) says what someone wants, not what the machine had.
    const sysctl = /\b([a-z_]+(?:\.[a-z_-]+)+)\s*=\s*(-?\d+)\b/.exec(text);
    if (sysctl && SYSCTL_FACT_KEYS[sysctl[1]!] && !/\s-w\s|\becho\b|--write|\bset\b/i.test(text))
      set(SYSCTL_FACT_KEYS[sysctl[1]!]!, Number(sysctl[2]));
    const lockdown = /^\[?none\]? \[?integrity\]? \[?confidentiality\]?$/.test(trimmed)
      ? /\[(none|integrity|confidentiality)\]/.exec(trimmed)?.[1]
      : undefined;
    if (lockdown) set('kernel.lockdown', lockdown);
    if (trimmed === 'cgroup2fs') set('cgroup.layout', 'v2');

    this.readCredentials(text, set);

    // Commands whose answer is the next line.
    if (/\buname -r\s*$/.test(trimmed)) this.awaiting = { kind: 'release' };
    const cat = /\/proc\/sys\/([\w/-]+)\s*$/.exec(trimmed);
    const catKey = cat ? SYSCTL_FACT_KEYS[cat[1]!.replace(/\//g, '.')] : undefined;
    if (catKey) this.awaiting = { kind: 'sysctl', key: catKey };
    if (/\bulimit -l\s*$/.test(trimmed)) this.awaiting = { kind: 'memlock' };
    if (/\bstat -f(?:c|\s+-c) %T \/sys\/fs\/cgroup\/?\s*$/.test(trimmed))
      this.awaiting = { kind: 'cgroupfs' };
  }

  /** The uid and capabilities of whoever ran a command the paste shows. */
  private readCredentials(
    text: string,
    set: (key: string, value: FactValue, how?: string) => void,
  ): void {
    // A prompt, `id` or CapEff line is short; a long line is not worth the regexes.
    if (text.length > CREDENTIAL_LINE_CHARS) return;
    const prompt = ROOT_PROMPT.exec(text);
    const sudo = !prompt && SUDO_COMMAND.test(text);
    if (prompt || sudo) {
      const how = sudo ? 'run with sudo' : 'a root shell prompt';
      set('process.uid', 0, how);
      const host = prompt?.[1] ?? prompt?.[2];
      if (!host || !CONTAINER_HOSTNAME.test(host))
        set('process.capabilities', [...CAPABILITY_NAMES], `${how}, on a host`);
    }
    // `id` prints "uid=0(root) gid=0(root) ..."; /proc/<pid>/status prints "CapEff:\t<hex>".
    const id = /^\s*uid=(\d{1,10})\([\w.-]{1,64}\) gid=\d/.exec(text);
    if (id) set('process.uid', Number(id[1]));
    const capEff = /^\s*CapEff:\s*([0-9a-f]{16})\s*$/.exec(text);
    if (capEff) set('process.capabilities', capabilityNames(capEff[1]!));
  }

  private answer(
    awaiting: Awaiting,
    text: string,
    set: (key: string, value: FactValue) => void,
  ): void {
    if (awaiting.kind === 'release' && /^\d+\.\d+\S*$/.test(text) && !kernelReleaseProblem(text))
      set('kernel.release', text);
    else if (awaiting.kind === 'sysctl' && /^-?\d+$/.test(text)) set(awaiting.key, Number(text));
    else if (awaiting.kind === 'memlock' && /^(\d+|unlimited)$/.test(text)) {
      // ulimit -l prints KiB; the fact is in bytes (null = unlimited), soft limit only.
      const bytes = text === 'unlimited' ? null : Number(text) * 1024;
      set('process.memlock', { soft: bytes, hard: null });
    } else if (awaiting.kind === 'cgroupfs' && text === 'cgroup2fs') set('cgroup.layout', 'v2');
  }

  /** The facts found, with the text as their source; a kernel release resolved as --kernel is. */
  facts(): Facts {
    const facts: Facts = {};
    for (const fact of this.found.values()) {
      const source = `the text, line ${fact.line}${fact.input === '-' ? '' : ` of ${fact.input}`}${fact.how ? ` (${fact.how})` : ''}`;
      if (fact.key === 'kernel.release') {
        Object.assign(facts, kernelFacts(String(fact.value), source));
      } else if (fact.key === 'kernel.versionCode') {
        // A loader's kern_version is LINUX_VERSION_CODE: the upstream version the kernel was
        // built from (Ubuntu's 5.15.0-73 says 5.15.98), so it decides upstream ranges.
        if (!this.found.has('kernel.release'))
          facts['kernel.upstream'] = known(String(fact.value), `${source} (kern_version)`);
      } else {
        facts[fact.key] = known(fact.value, source);
      }
    }
    return facts;
  }
}
