// Installed component versions, each from its own --version output, run with a short timeout.
// A component that is not installed is a fact (value null); one that hangs or prints garbage is
// unknown with the reason.
import { spawn } from 'node:child_process';
import { readdirSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { known, unknown, componentVersionKey, type Fact, type Facts } from '../core/facts.js';
import { normalizeVersion } from '../core/versions.js';
import type { HostFs } from './read.js';

export interface ComponentSpec {
  name: string;
  /** Executable names to look for, in order. */
  commands: string[];
  args: string[];
  /** First capture: the version. */
  pattern: RegExp;
}

// Output formats, as each tool prints them:
//   crun --version:        "crun version 1.14.1"
//   runc --version:        "runc version 1.1.5+ds1"
//   containerd --version:  "containerd github.com/containerd/containerd v1.7.24 88bf19b2..."
//   docker --version:      "Docker version 28.2.2, build e6534b4" (the client)
//   podman --version:      "podman version 4.3.1"
//   sysbox-runc --version: "sysbox-runc\n\tedition: \tCommunity Edition (CE)\n\tversion: \t0.6.5"
//   bpftool --version:     "bpftool v7.1.0\nusing libbpf v1.1"
//   tetragon --version, cilium version --client: the first vX.Y.Z they print.
//   kubelet --version:     "Kubernetes v1.31.2"
//   crio --version:        "crio version 1.31.1\n..." (CRI-O)
//   k3s --version:         "k3s version v1.31.2+k3s1 (6da20424)"
//   nvidia-ctk --version:  "NVIDIA Container Toolkit CLI version 1.17.3"
//   bpftrace --version:    "bpftrace v0.21.2"
//   iptables --version:    "iptables v1.8.9 (nf_tables)" (the backend is read below, iptablesBackend)
export const COMPONENTS: readonly ComponentSpec[] = [
  { name: 'crun', commands: ['crun'], args: ['--version'], pattern: /crun version (\S+)/ },
  { name: 'runc', commands: ['runc'], args: ['--version'], pattern: /runc version (\S+)/ },
  {
    name: 'containerd',
    commands: ['containerd'],
    args: ['--version'],
    pattern: /containerd \S+ v?(\d+\.\d+\.\d+\S*)/,
  },
  {
    name: 'docker',
    commands: ['docker'],
    args: ['--version'],
    pattern: /Docker version ([^,\s]+)/,
  },
  { name: 'podman', commands: ['podman'], args: ['--version'], pattern: /podman version (\S+)/ },
  { name: 'sysbox', commands: ['sysbox-runc'], args: ['--version'], pattern: /version:\s*(\S+)/ },
  {
    name: 'tetragon',
    commands: ['tetragon'],
    args: ['--version'],
    pattern: /v?(\d+\.\d+\.\d+\S*)/,
  },
  {
    name: 'cilium',
    commands: ['cilium-agent', 'cilium'],
    args: ['--version'],
    pattern: /v?(\d+\.\d+\.\d+\S*)/,
  },
  { name: 'bpftool', commands: ['bpftool'], args: ['--version'], pattern: /bpftool v?(\S+)/ },
  { name: 'kubelet', commands: ['kubelet'], args: ['--version'], pattern: /Kubernetes v?(\S+)/ },
  { name: 'crio', commands: ['crio'], args: ['--version'], pattern: /crio version (\S+)/ },
  { name: 'k3s', commands: ['k3s'], args: ['--version'], pattern: /k3s version v?(\S+)/ },
  {
    name: 'nvidia-container-toolkit',
    commands: ['nvidia-ctk', 'nvidia-container-toolkit'],
    args: ['--version'],
    pattern: /version (\d+\.\d+\.\d+\S*)/,
  },
  { name: 'bpftrace', commands: ['bpftrace'], args: ['--version'], pattern: /bpftrace v?(\S+)/ },
  {
    name: 'iptables',
    commands: ['iptables'],
    args: ['--version'],
    pattern: /iptables v?(\d\S*(?: \((?:nf_tables|legacy)\))?)/,
  },
];

const TIMEOUT_MS = 2000;
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function findExecutable(
  fs: HostFs,
  names: readonly string[],
  path: string | undefined,
): string | undefined {
  const dirs = [...new Set([...(path ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS])];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (fs.canAccess(candidate, 1) === true) return candidate;
    }
  }
  return undefined;
}

/** Output kept from a --version run: more is not a version string. */
const MAX_OUTPUT = 64 * 1024;

/**
 * Runs `file args` in its own process group and resolves within TIMEOUT_MS whatever it does: on
 * time-out the whole group is killed and the pipes are closed, so a wrapper script whose child
 * keeps stdout open (sh -c 'sleep 100') cannot hold the probe.
 */
function runVersion(file: string, args: string[]): Promise<{ output: string } | { error: string }> {
  const command = `${file} ${args.join(' ')}`;
  return new Promise((resolve) => {
    let settled = false;
    // Each stream apart, as `stdout\nstderr`: a warning on stderr must not run into the version.
    const streams = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    let kept = 0;
    const output = () =>
      `${Buffer.concat(streams.stdout).toString('utf8')}\n${Buffer.concat(streams.stderr).toString('utf8')}`;
    const child = spawn(file, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    const settle = (result: { output: string } | { error: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => {
      killGroup(child.pid);
      settle({ error: `${command} did not answer within ${TIMEOUT_MS} ms` });
    }, TIMEOUT_MS);
    const keep = (into: Buffer[]) => (chunk: Buffer) => {
      if (kept >= MAX_OUTPUT) return;
      into.push(chunk.subarray(0, MAX_OUTPUT - kept));
      kept += Math.min(chunk.length, MAX_OUTPUT - kept);
      if (kept >= MAX_OUTPUT) killGroup(child.pid); // enough to find a version in
    };
    child.stdout.on('data', keep(streams.stdout));
    child.stderr.on('data', keep(streams.stderr));
    child.on('error', (error) => settle({ error: `${command} failed: ${error.message}` }));
    child.on('close', (code, signal) => {
      const text = output();
      if ((code !== 0 || signal) && !text.trim())
        settle({ error: `${command} failed: ${signal ? `killed by ${signal}` : `exit ${code}`}` });
      else settle({ output: text });
    });
    // Children of the command that outlive it keep the pipes open: after it exits, give them a
    // moment, then stop waiting.
    child.on('exit', () =>
      setTimeout(() => {
        if (settled) return;
        killGroup(child.pid);
        settle({ output: output() });
      }, 200).unref(),
    );
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** What a command printed, fit for a reason line: control and non-text characters as '?'. */
function printable(output: string): string {
  const flat = output.replace(/\s+/g, ' ').trim();
  // eslint-disable-next-line no-control-regex
  return flat.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '?').slice(0, 80);
}

export async function componentFact(
  spec: ComponentSpec,
  fs: HostFs,
  path = process.env.PATH,
): Promise<Fact> {
  const file = findExecutable(fs, spec.commands, path);
  if (!file) return known(null, `not installed: ${spec.commands.join(', ')} not found on PATH`);
  if (fs.root !== '/')
    return unknown(
      `${file} exists in the host tree, but kcompat runs commands only on the live host`,
    );
  const result = await runVersion(file, spec.args);
  if ('error' in result) return unknown(result.error);
  const raw = spec.pattern.exec(result.output)?.[1];
  const version = raw ? normalizeVersion(raw) : null;
  if (!version)
    return unknown(
      `${file} ${spec.args.join(' ')} printed no version: ${printable(result.output)}`,
    );
  return known(version, `${file} ${spec.args.join(' ')}: ${raw}`);
}

const LIBRARY_DIRS = [
  '/usr/lib64',
  '/lib64',
  '/usr/lib',
  '/lib',
  '/usr/local/lib',
  '/usr/local/lib64',
];

/** Components whose version the name of their shared library says, read without spawning. */
export const LIBRARY_COMPONENTS = [
  // libbpf.so.1.4.0 (libbpf's own Makefile names it so; distributions keep the name).
  { name: 'libbpf', stem: 'libbpf.so.' },
  // libbcc.so.0.29.1 (bcc's CMake: the library's VERSION is bcc's release; Debian's libbpfcc).
  { name: 'bcc', stem: 'libbcc.so.' },
] as const;

/** A shared library's version, from its file name (libbpf.so.1.4.0, libbcc.so.0.29.1). */
export function libraryFact(fs: HostFs, stem: string): Fact {
  const dirs = [...LIBRARY_DIRS, ...LIBRARY_DIRS.flatMap((dir) => multiarchDirs(fs, dir))];
  const escaped = stem.replace(/\./g, '\\.');
  const versionedName = new RegExp(`^${escaped}\\d+\\.\\d+(?:\\.\\d+)?$`);
  const sonameName = new RegExp(`^${escaped}\\d+$`);
  const found = findInDirs(fs, dirs, (dir, names) => {
    // The soname link (libbpf.so.1) names the library programs load; a stray older file does not.
    const soname = names.find((name) => sonameName.test(name));
    const linked = soname ? resolveLink(fs, dir, soname) : undefined;
    const file =
      linked && versionedName.test(linked)
        ? linked
        : names
            .filter((name) => versionedName.test(name))
            .sort()
            .at(-1);
    const version = file ? normalizeVersion(file.slice(stem.length)) : null;
    return file && version ? { file, version } : undefined;
  });
  if (found) return known(found.version, join(found.dir, found.file));
  return known(
    null,
    `not installed: no ${stem}* in ${LIBRARY_DIRS.join(', ')} or their multiarch directories`,
  );
}

/** The first of dirs whose listing `pick` finds a versioned file in (unreadable ones skipped). */
function findInDirs(
  fs: HostFs,
  dirs: readonly string[],
  pick: (dir: string, names: string[]) => { file: string; version: string } | undefined,
): { dir: string; file: string; version: string } | undefined {
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(fs.path(dir));
    } catch {
      continue;
    }
    const found = pick(dir, names);
    if (found) return { dir, ...found };
  }
  return undefined;
}

/**
 * systemd as the init of this host (or container): PID 1's name, and the version from the name of
 * the shared library every systemd binary links (libsystemd-shared-<version>.so, in
 * /usr/lib/systemd or the multiarch directory's systemd/). Installed but not PID 1, it boots
 * nothing here, so it counts as absent.
 */
export function systemdFact(fs: HostFs): Fact {
  const init = fs.read('/proc/1/comm');
  if (!init.ok) return unknown(`/proc/1/comm: ${init.reason}`);
  const comm = init.text.trim();
  if (comm !== 'systemd') return known(null, `not the init: /proc/1/comm is ${printable(comm)}`);
  const dirs = ['/usr/lib/systemd', '/lib/systemd', '/usr/lib64/systemd'].concat(
    ['/usr/lib', '/lib']
      .flatMap((dir) => multiarchDirs(fs, dir))
      .map((dir) => join(dir, 'systemd')),
  );
  const found = findInDirs(fs, dirs, (_dir, names) => {
    // Debian: libsystemd-shared-252.so; Fedora: libsystemd-shared-255.4-1.fc40.so.
    const file = names.find((name) => /^libsystemd-shared-\d+/.test(name));
    const version = file
      ? normalizeVersion(/^libsystemd-shared-(\d+(?:\.\d+)?)/.exec(file)![1]!)
      : null;
    return file && version ? { file, version } : undefined;
  });
  if (found) return known(found.version, `/proc/1/comm is systemd; ${join(found.dir, found.file)}`);
  return unknown('systemd is PID 1, but no libsystemd-shared-*.so says its version');
}

function multiarchDirs(fs: HostFs, dir: string): string[] {
  try {
    return readdirSync(fs.path(dir))
      .filter((name) => /-linux-gnu/.test(name))
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

function resolveLink(fs: HostFs, dir: string, link: string): string | undefined {
  try {
    return realpathSync(fs.path(join(dir, link)))
      .split('/')
      .pop();
  } catch {
    return undefined;
  }
}

export async function collectComponentFacts(fs: HostFs): Promise<Facts> {
  const entries = await Promise.all(
    COMPONENTS.map(
      async (spec) => [componentVersionKey(spec.name), await componentFact(spec, fs)] as const,
    ),
  );
  const facts: Facts = {
    ...Object.fromEntries(entries),
    ...Object.fromEntries(
      LIBRARY_COMPONENTS.map(({ name, stem }) => [
        componentVersionKey(name),
        libraryFact(fs, stem),
      ]),
    ),
    [componentVersionKey('systemd')]: systemdFact(fs),
  };
  facts['netfilter.iptablesBackend'] = iptablesBackend(facts[componentVersionKey('iptables')]);
  return facts;
}

/**
 * Which kernel interface the iptables command drives: iptables 1.8+ says "(nf_tables)" or
 * "(legacy)" after its version. Rules written through one are invisible to the other, which is
 * how a container image's iptables and the host's disagree.
 */
function iptablesBackend(fact: Fact | undefined): Fact {
  if (!fact || !('value' in fact)) return unknown(fact?.unknown ?? 'iptables was not run');
  if (fact.value === null) return unknown('iptables is not installed');
  const backend = /\((nf_tables|legacy)\)/.exec(fact.source)?.[1];
  return backend
    ? known(backend, fact.source)
    : known('legacy', `${fact.source}: before 1.8 iptables had only the legacy backend`);
}
