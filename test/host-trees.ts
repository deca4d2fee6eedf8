// Fake host trees for distros and kernels this machine is not: only the files host collection
// reads, written to a temporary directory. The live machine is tested for real elsewhere.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface HostTree {
  release: string;
  unameVersion: string;
  versionSignature?: string;
  /** cgroup mounts: v1 controllers, v2 mount point. */
  cgroup: 'v1' | 'v2' | 'hybrid';
  config: { where: 'proc' | 'boot'; text: string };
  btf: boolean;
  lockdown?: string;
  sysctls?: Record<string, string>;
  umask?: string;
  capEff?: string;
  uid?: number;
  memlock?: [string, string];
  subuid?: string;
  bpffs?: string;
}

const V1_CONTROLLERS = ['cpu,cpuacct', 'memory', 'devices', 'pids', 'blkio', 'freezer'];

function mountinfo(tree: HostTree): string {
  const lines = [
    '22 1 0:21 / / rw,relatime - ext4 /dev/sda1 rw',
    '23 22 0:22 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw',
    '24 22 0:23 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw',
  ];
  let id = 30;
  if (tree.cgroup === 'v2')
    lines.push(
      `${id++} 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot`,
    );
  else {
    lines.push(`${id++} 24 0:25 / /sys/fs/cgroup ro,nosuid,nodev,noexec - tmpfs tmpfs ro,mode=755`);
    if (tree.cgroup === 'hybrid')
      lines.push(
        `${id++} 30 0:26 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate`,
      );
    for (const controllers of V1_CONTROLLERS)
      lines.push(
        `${id++} 30 0:${id} / /sys/fs/cgroup/${controllers} rw,nosuid,nodev,noexec,relatime - cgroup cgroup rw,${controllers}`,
      );
  }
  if (tree.lockdown)
    lines.push(
      `${id++} 24 0:7 / /sys/kernel/security rw,nosuid,nodev,noexec,relatime - securityfs securityfs rw`,
    );
  if (tree.bpffs)
    lines.push(
      `${id++} 24 0:31 / /sys/fs/bpf rw,nosuid,nodev,noexec,relatime - bpf bpf ${tree.bpffs}`,
    );
  return `${lines.join('\n')}\n`;
}

export function writeHostTree(tree: HostTree): string {
  const root = mkdtempSync(join(tmpdir(), 'kcompat-host-'));
  const write = (path: string, content: string | Buffer, mode?: number) => {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content, mode === undefined ? undefined : { mode });
  };
  write('proc/sys/kernel/osrelease', `${tree.release}\n`);
  write('proc/sys/kernel/version', `${tree.unameVersion}\n`);
  if (tree.versionSignature) write('proc/version_signature', `${tree.versionSignature}\n`);
  if (tree.config.where === 'proc') write('proc/config.gz', gzipSync(tree.config.text));
  else write(`boot/config-${tree.release}`, tree.config.text);
  if (tree.btf) write('sys/kernel/btf/vmlinux', 'BTF');
  mkdirSync(join(root, 'sys/kernel'), { recursive: true });
  if (tree.lockdown) {
    write('sys/kernel/security/lsm', 'lockdown,capability,yama,apparmor');
    write('sys/kernel/security/lockdown', `${tree.lockdown}\n`);
  }
  for (const [path, value] of Object.entries({
    'user/max_user_namespaces': '63515',
    'kernel/unprivileged_bpf_disabled': '2',
    'net/core/bpf_jit_enable': '1',
    'net/core/bpf_jit_harden': '0',
    'kernel/perf_event_paranoid': '2',
    ...tree.sysctls,
  })) {
    write(`proc/sys/${path}`, `${value}\n`);
  }
  write('proc/self/mountinfo', mountinfo(tree));
  const uid = tree.uid ?? 1000;
  write(
    'proc/self/status',
    `Name:\tkcompat\nUmask:\t${tree.umask ?? '0022'}\nState:\tR (running)\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\nGid:\t${uid}\t${uid}\t${uid}\t${uid}\nCapInh:\t0000000000000000\nCapPrm:\t${tree.capEff ?? '0000000000000000'}\nCapEff:\t${tree.capEff ?? '0000000000000000'}\nNoNewPrivs:\t0\nSeccomp:\t0\n`,
  );
  const [soft, hard] = tree.memlock ?? ['65536', '65536'];
  write(
    'proc/self/limits',
    `Limit                     Soft Limit           Hard Limit           Units     \nMax locked memory         ${soft}                ${hard}                bytes     \n`,
  );
  const v2Root =
    tree.cgroup === 'v2'
      ? 'sys/fs/cgroup'
      : tree.cgroup === 'hybrid'
        ? 'sys/fs/cgroup/unified'
        : undefined;
  const current = '/user.slice/user-1000.slice/user@1000.service/app.slice';
  write(
    'proc/self/cgroup',
    tree.cgroup === 'v1'
      ? '4:memory:/user.slice\n1:name=systemd:/user.slice/user-1000.slice/session-3.scope\n'
      : `0::${current}\n`,
  );
  if (v2Root) {
    write(
      `${v2Root}/cgroup.controllers`,
      tree.cgroup === 'v2' ? 'cpuset cpu io memory hugetlb pids rdma misc\n' : '\n',
    );
    write(`${v2Root}${current}/cgroup.controllers`, tree.cgroup === 'v2' ? 'memory pids\n' : '\n');
    write(`${v2Root}${current}/cgroup.subtree_control`, '\n');
  }
  mkdirSync(join(root, 'proc/thread-self'), { recursive: true });
  write('etc/subuid', tree.subuid ?? '');
  write('etc/subgid', tree.subuid ?? '');
  return root;
}

/** A kernel .config with the options host collection reads. */
export function kernelConfig(options: Record<string, string>): string {
  return Object.entries(options)
    .map(([key, value]) => (value === 'n' ? `# ${key} is not set` : `${key}=${value}`))
    .join('\n');
}
