// Facts a pasted text states: each extractor on the forms real pastes show, with its line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextFactReader } from './text-facts.js';
import { layerTextFacts, known } from './facts.js';

function factsOf(text: string) {
  const reader = new TextFactReader();
  text.split('\n').forEach((line, index) => reader.push(line, 'paste', index + 1));
  return reader.facts();
}

const value = (facts: ReturnType<typeof factsOf>, key: string) => {
  const fact = facts[key];
  return fact && 'value' in fact ? fact.value : undefined;
};

test('the kernel release from uname -r, uname -a, the dmesg banner, docker info and module paths', () => {
  for (const [text, release] of [
    ['$ uname -r\n5.10.0-26-amd64', '5.10.0-26-amd64'],
    [
      'Linux node-17 5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64 GNU/Linux',
      '5.15.0-91-generic',
    ],
    [
      '[    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0)',
      '6.1.0-18-amd64',
    ],
    [' Kernel Version: 5.4.0-1055-azure', '5.4.0-1055-azure'],
    ['chdir(/lib/modules/4.19.0-25-amd64/build): No such file or directory', '4.19.0-25-amd64'],
  ] as const) {
    const facts = factsOf(text);
    assert.equal(value(facts, 'kernel.release'), release, text);
    assert.match(
      String((facts['kernel.release'] as { source: string }).source),
      /^the text, line \d+ of paste$/,
    );
  }
  // Resolved like --kernel: Debian's ABI 5.10.0-26 is upstream 5.10.197.
  assert.equal(value(factsOf('$ uname -r\n5.10.0-26-amd64'), 'kernel.upstream'), '5.10.197');
  // A loader's kern_version is LINUX_VERSION_CODE: 331618 is 5.15.98.
  assert.equal(
    value(
      factsOf('failed prog bpf_generic_kprobe_v511.o kern_version 331618 loadInstance'),
      'kernel.upstream',
    ),
    '5.15.98',
  );
});

test('component versions from --version output and docker version sections', () => {
  const facts = factsOf(
    [
      'runc version 1.1.12',
      'crun version 1.14',
      'containerd containerd.io 1.6.28 ae07eda36dd25f8a1b98dfbf587313b99c0190bb',
      'Server: Docker Engine - Community',
      ' Engine:',
      '  Version:          24.0.7',
      ' containerd:',
      '  Version:          1.6.28',
      'iptables v1.8.7 (nf_tables)',
      'bpftool v7.1.0',
      'using libbpf v1.1',
    ].join('\n'),
  );
  assert.equal(value(facts, 'components.runc.version'), '1.1.12');
  assert.equal(value(facts, 'components.crun.version'), '1.14.0');
  assert.equal(value(facts, 'components.containerd.version'), '1.6.28');
  assert.equal(value(facts, 'components.docker.version'), '24.0.7');
  assert.equal(value(facts, 'components.iptables.version'), '1.8.7');
  assert.equal(value(facts, 'netfilter.iptablesBackend'), 'nf_tables');
  assert.equal(value(facts, 'components.bpftool.version'), '7.1.0');
  assert.equal(value(facts, 'components.libbpf.version'), '1.1.0');
});

test('sysctls, ulimit -l, lockdown and the cgroup filesystem; a line that sets a sysctl is not a fact', () => {
  const facts = factsOf(
    [
      'kernel.unprivileged_bpf_disabled = 2',
      'user.max_user_namespaces = 0',
      '$ cat /proc/sys/kernel/perf_event_paranoid',
      '4',
      '$ ulimit -l',
      '64',
      '$ cat /sys/kernel/security/lockdown',
      'none [integrity] confidentiality',
      '$ stat -fc %T /sys/fs/cgroup/',
      'cgroup2fs',
      'sudo sysctl -w net.core.bpf_jit_limit=1000000000',
    ].join('\n'),
  );
  assert.equal(value(facts, 'kernel.unprivilegedBpfDisabled'), 2);
  assert.equal(value(facts, 'userns.maxUserNamespaces'), 0);
  assert.equal(value(facts, 'kernel.perfEventParanoid'), 4);
  assert.deepEqual(value(facts, 'process.memlock'), { soft: 65536, hard: null });
  assert.equal(value(facts, 'kernel.lockdown'), 'integrity');
  assert.equal(value(facts, 'cgroup.layout'), 'v2');
  assert.equal(value(facts, 'kernel.bpfJitLimit'), undefined);
});

test("the text's facts layer over the host's, and a contradiction is reported; the command line wins over both", () => {
  const host = {
    'kernel.release': known('6.18.44', 'uname(2)'),
    'kernel.upstream': known('6.18.44', 'uname(2)'),
    'bpf.token': known('supported', 'probe'),
    'components.crun.version': known('1.8.1', 'crun --version'),
  };
  const text = factsOf('$ uname -r\n5.10.0-26-amd64\ncrun version 1.14.0');
  const { facts, conflicts } = layerTextFacts(host, text);
  assert.equal(value(facts, 'kernel.upstream'), '5.10.197');
  assert.equal(facts['bpf.token'], undefined, "the host's BPF facts describe another kernel");
  assert.deepEqual(conflicts.map((conflict) => conflict.key).sort(), [
    'components.crun.version',
    'kernel.release',
    'kernel.upstream',
  ]);
  const planned = layerTextFacts(host, text, {
    'components.crun.version': known('1.14.1', '--with'),
  });
  assert.equal(value(planned.facts, 'components.crun.version'), '1.14.1');
});

test('who ran the command: a root prompt or sudo on a host (every capability), in a container (uid only), id and CapEff', () => {
  for (const line of [
    '[root@suse tools]# ./tcptop ',
    'root@node-3:~/bcc# python3 tools/opensnoop.py',
    '$ sudo bpftrace -e \'kprobe:do_sys_open { printf("%s\\n", comm) }\'',
    'user@host:~/src$ sudo -E ./loader',
    '-bash-4.4$ sudo ./RandomRead -r',
  ]) {
    const facts = factsOf(line);
    assert.equal(value(facts, 'process.uid'), 0, line);
    const caps = value(facts, 'process.capabilities') as string[];
    assert.ok(caps.includes('CAP_SYS_ADMIN') && caps.includes('CAP_BPF'), line);
    assert.match(
      (facts['process.uid'] as { source: string }).source,
      /\((?:a root shell prompt|run with sudo)\)$/,
    );
  }
  // docker's container host name (12 hex digits): root, with the capabilities it was given.
  const container = factsOf('root@3f4e5a6b7c8d:/# bpftool prog list');
  assert.equal(value(container, 'process.uid'), 0);
  assert.equal(container['process.capabilities'], undefined);
  // Not a root command: sudo as another user, a comment, a prompt of a normal user.
  for (const line of [
    '$ sudo -u nobody ./tool',
    '# sudo is not needed here',
    'user@host:~$ ./tool',
    '#include <linux/bpf.h>',
  ])
    assert.equal(value(factsOf(line), 'process.uid'), undefined, line);
  const id = factsOf('$ id\nuid=1000(dev) gid=1000(dev) groups=1000(dev),27(sudo)');
  assert.equal(value(id, 'process.uid'), 1000);
  assert.deepEqual(value(factsOf('CapEff:\t0000000000200000'), 'process.capabilities'), [
    'CAP_SYS_ADMIN',
  ]);
});
