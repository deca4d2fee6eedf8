// What a real node's logs hold besides clean text, through the built command: NUL runs, empty
// and unreadable inputs among good ones, journald export data, UTF-16, cut lines, inputs that
// never end (a FIFO, /dev/kmsg), oversized zstd windows, escape sequences, an output that cannot
// be written. Nothing is lost, nothing hangs, and every problem is said in one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baselineRssMiB, cliHarness, kcompatFromPipeline } from './cli-harness.js';
import { requireCommand, requireRootSetpriv, kcompatAsNobody } from './require.js';
import { BIN } from './cli-harness.js';

const { kcompat, json, scratch, assertUsageError } = cliHarness('kcompat-inputs-');

const ERROR_LINE =
  'Error: OCI runtime error: crun: bpf create `0: (61) r2 = *(u32 *)(r1 +0)`: No space left on device\n';
const BTF_LINE = 'libbpf: failed to find valid kernel BTF\n';

function write(name: string, data: string | Buffer): string {
  const file = join(scratch, name);
  writeFileSync(file, data);
  return file;
}

const ids = (run: ReturnType<typeof kcompat>) =>
  (json(run).findings as { id: string }[]).map((finding) => finding.id);

test('NUL runs at the start (copytruncate) and in the middle (unclean shutdown): the lines around them are read, the runs counted', () => {
  const file = write(
    'holes.log',
    Buffer.concat([
      Buffer.alloc(3 << 20), // a copytruncated log: the writer went on at its old offset
      Buffer.from(`kubelet started\n${BTF_LINE}a line cut by the crash`),
      Buffer.alloc(4096), // a block allocated but never written
      Buffer.from(ERROR_LINE),
    ]),
  );
  const run = kcompat(['why', '--no-probe', '--format', 'json', file]);
  assert.equal(run.status, 1, run.stderr);
  const report = json(run);
  // The lines after each run are read: the BTF line and the crun line (which its family's
  // general entries recognise too).
  for (const id of ['btf-vmlinux-missing', 'crun-1-14-ebpf-log-enospc'])
    assert.ok(ids(run).includes(id), `${id} in ${ids(run).join(', ')}`);
  assert.equal(report.inputs[0].nulRuns, 2);
  assert.equal(report.inputs[0].nulBytes, (3 << 20) + 4096);
  // The run inside a line ends it: the error after it is on a line of its own (line 4).
  const crun = report.findings.find(
    (finding: { id: string }) => finding.id === 'crun-1-14-ebpf-log-enospc',
  );
  assert.equal(crun.matches[0].line, 4);
  const text = kcompat(['why', '--no-probe', file]);
  assert.match(text.stdout, /2 runs of NUL bytes skipped \(3\.0 MiB/);
});

test('data that is binary throughout is still refused, in one line', () => {
  const elf = Buffer.concat([
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0]),
    Buffer.from(Array.from({ length: 9000 }, (_, index) => (index * 7919) % 256)),
  ]);
  assertUsageError(kcompat(['why', '--no-probe', write('prog.o', elf)]), /binary data, not a log/);
});

test('empty input is not an error: exit 0 and a note, from a file or standard input', () => {
  const file = write('rotated.log', '');
  for (const run of [
    kcompat(['why', '--no-probe', file]),
    kcompat(['why', '--no-probe', '-'], ''),
  ]) {
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /empty, nothing to read/);
  }
  const onlyNuls = kcompat([
    'why',
    '--no-probe',
    '--format',
    'json',
    write('zeros.log', Buffer.alloc(5000)),
  ]);
  assert.equal(onlyNuls.status, 0, onlyNuls.stderr);
  assert.equal(json(onlyNuls).inputs[0].empty, true);
});

test('several inputs, one unreadable: it is reported on stderr, the others are diagnosed, the exit code says both', () => {
  const good = write('good.log', BTF_LINE);
  const quiet = write('quiet.log', 'nothing here\n');
  const missing = join(scratch, 'vanished.log');
  const both = kcompat(['why', '--no-probe', '--format', 'json', good, missing]);
  assert.equal(both.status, 3, 'findings (1) and an input error (2)');
  assert.match(both.stderr, /vanished\.log: cannot read \(ENOENT\)/);
  assert.deepEqual(ids(both), ['btf-vmlinux-missing']);
  assert.match(json(both).inputs[1].error, /ENOENT/);
  const errorOnly = kcompat(['why', '--no-probe', quiet, missing]);
  assert.equal(errorOnly.status, 2, errorOnly.stderr);
  assert.match(errorOnly.stdout, /quiet\.log/);
  // Standard input named twice is read once; the second is an input error, not a hang.
  const twice = kcompat(['why', '--no-probe', '-', '-'], BTF_LINE);
  assert.equal(twice.status, 3, twice.stderr);
  assert.match(twice.stderr, /standard input is named twice/);
  // Only one input, and it cannot be read: that error is the answer.
  assertUsageError(kcompat(['why', '--no-probe', missing]), /cannot read \(ENOENT\)/);
});

test('an input the user cannot read (EACCES) among others: reported, the others diagnosed', (t) => {
  if (!requireRootSetpriv(t)) return;
  chmodSync(scratch, 0o755);
  const dir = join(scratch, 'perm');
  mkdirSync(dir);
  chmodSync(dir, 0o755);
  const secret = join(dir, 'secret.log');
  writeFileSync(secret, ERROR_LINE);
  chmodSync(secret, 0o600);
  const open = join(dir, 'open.log');
  writeFileSync(open, BTF_LINE);
  chmodSync(open, 0o644);
  const run = kcompatAsNobody(BIN, ['why', '--no-probe', '--format', 'json', open, secret]);
  assert.equal(run.status, 3, run.stderr);
  assert.match(run.stderr, /secret\.log: cannot read \(EACCES\)/);
  assert.equal(JSON.parse(run.stdout).findings[0].id, 'btf-vmlinux-missing');
});

test('a plain log with a line that looks like journald export data stays a plain log', () => {
  const file = write('plain.log', `hello\n__CURSOR=s=abc\nMESSAGE=x\n${BTF_LINE}`);
  const report = json(kcompat(['why', '--no-probe', '--format', 'json', file]));
  assert.equal(report.findings[0].id, 'btf-vmlinux-missing');
  assert.equal(report.findings[0].matches[0].line, 4);
  assert.equal(report.inputs[0].format, undefined);
});

test('journald export data with a binary (length-prefixed) MESSAGE is decoded', () => {
  const message = Buffer.from(`crun: ${ERROR_LINE.trim()}\nsecond line`);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(message.length));
  const file = write(
    'journal.export',
    Buffer.concat([
      Buffer.from('__CURSOR=s=1\n__REALTIME_TIMESTAMP=1706700000000000\n'),
      Buffer.from('MESSAGE\n'),
      length,
      message,
      Buffer.from('\n_PID=7\n\n__CURSOR=s=2\nMESSAGE=plain\n\n'),
    ]),
  );
  const run = kcompat(['why', '--no-probe', '--format', 'json', file]);
  assert.equal(run.status, 1, run.stderr);
  const report = json(run);
  assert.equal(report.inputs[0].format, 'journal-export');
  assert.ok(ids(run).includes('crun-1-14-ebpf-log-enospc'));
  assert.equal(report.findings[0].firstSeen, '2024-01-31T11:20:00.000Z');
});

test('a line over 1 MiB is cut, and the text output says so', () => {
  const file = write('long.log', `${'a'.repeat(3 << 20)}\n${BTF_LINE}`);
  const run = kcompat(['why', '--no-probe', file]);
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stdout, /1 line over 1 MiB cut/);
});

test('UTF-16 logs with a byte order mark are decoded, little- and big-endian', () => {
  const text = `Windows said hello\r\n${BTF_LINE}`;
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const be = Buffer.from(le);
  be.swap16();
  for (const [name, data, encoding] of [
    ['le.log', le, 'utf-16le'],
    ['be.log', be, 'utf-16be'],
  ] as const) {
    const run = kcompat(['why', '--no-probe', '--format', 'json', write(name, data)]);
    assert.equal(run.status, 1, `${name}: ${run.stderr}`);
    assert.equal(json(run).findings[0].id, 'btf-vmlinux-missing');
    assert.equal(json(run).inputs[0].encoding, encoding);
  }
});

test('--timeout on a pipe that never ends keeps memory bounded: chunks are not held', () => {
  const baseline = baselineRssMiB(scratch);
  const { run, rssMiB } = kcompatFromPipeline(
    scratch,
    "yes 'kubelet: pod sandbox started' | head -c 1073741824",
    ['why', '--no-probe', '--format', 'json', '--timeout', '600', '-'],
  );
  assert.equal(run.status, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).inputs[0].bytes, 1 << 30);
  assert.ok(
    rssMiB - baseline < 80,
    `peak RSS ${rssMiB.toFixed(0)} MiB, ${baseline.toFixed(0)} MiB for one line`,
  );
});

test('--timeout ends a FIFO held open and a character device that blocks (/dev/kmsg); what came before is diagnosed', (t) => {
  const fifo = join(scratch, 'never.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const writer = spawn(
    'sh',
    ['-c', `exec 3>"${fifo}"; printf '${BTF_LINE.trim()}\\n' >&3; sleep 30`],
    {
      stdio: 'ignore',
    },
  );
  try {
    const run = kcompat(['why', '--no-probe', '--format', 'json', '--timeout', '1', fifo]);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(json(run).inputs[0].timedOut, true);
    assert.equal(json(run).findings[0].id, 'btf-vmlinux-missing');
  } finally {
    writer.kill('SIGKILL');
  }
  if (process.getuid?.() !== 0) {
    if (process.env.CI === 'true') assert.fail('CI must read /dev/kmsg: it needs root');
    t.skip('reading /dev/kmsg needs root');
    return;
  }
  // /dev/kmsg blocks once the kernel's buffer is read; named, and as standard input.
  for (const run of [
    kcompat(['why', '--no-probe', '--format', 'json', '--timeout', '1', '/dev/kmsg']),
    spawnResult(
      `'${process.execPath}' '${BIN}' why --no-probe --format json --timeout 1 < /dev/kmsg`,
    ),
  ]) {
    assert.ok(run.status === 0 || run.status === 1, run.stderr);
    assert.equal(json(run).inputs[0].timedOut, true);
  }
});

function spawnResult(command: string) {
  const result = spawnSync('sh', ['-c', command], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('--timeout values a timer cannot hold, or that are not numbers, are refused', () => {
  assertUsageError(
    kcompat(['why', '--timeout', '99999999999', '-'], 'x'),
    /at most 2147483 seconds/,
  );
  assertUsageError(kcompat(['why', '--timeout', 'soon', '-'], 'x'), /give a number of seconds/);
  assertUsageError(kcompat(['why', '--timeout', '', '-'], 'x'), /give a number of seconds/);
});

test('a zstd frame whose window is over the memory bound is refused, not allocated', (t) => {
  if (!requireCommand(t, 'zstd', ['--version'])) return;
  // A stream of unknown size compressed with --long=31 declares a 2 GiB window.
  const big = join(scratch, 'long.zst');
  const made = spawnSync('sh', [
    '-c',
    `printf '${BTF_LINE.trim()}\\n' | zstd -q --long=31 -c > '${big}'`,
  ]);
  assert.equal(made.status, 0);
  assertUsageError(kcompat(['why', '--no-probe', big]), /needs a 2048 MiB window.*at most 32 MiB/);
  // A patched header that claims a 2 GiB window on a small frame: zstd compressing standard input
  // writes a window descriptor (byte 5), here set to the largest exponent.
  const normal = spawnSync('zstd', ['-q', '-c'], { input: BTF_LINE });
  const patched = Buffer.from(normal.stdout);
  assert.equal((patched[4]! >> 5) & 1, 0, 'a frame of unknown size has a window descriptor');
  patched[5] = 21 << 3;
  assertUsageError(
    kcompat(['why', '--no-probe', write('patched.zst', patched)]),
    /needs a 2048 MiB window/,
  );
  // An ordinary frame is decoded.
  const ok = kcompat(['why', '--no-probe', '--format', 'json', write('ok.zst', normal.stdout)]);
  assert.equal(json(ok).findings[0].id, 'btf-vmlinux-missing');
});

test('escape sequences and control characters from a log are shown escaped in text and markdown', () => {
  const file = write(
    'escapes.log',
    'libbpf: failed to find valid kernel BTF \x1b]0;pwned\x07\x1b[2J\x9b31m\u202e\r\n',
  );
  for (const format of ['text', 'markdown']) {
    const run = kcompat(['why', '--no-probe', '--format', format, file]);
    assert.equal(run.status, 1, run.stderr);
    assert.doesNotMatch(run.stdout, /[\x1b\x07\x9b\u202e]/, format);
    assert.match(run.stdout, /\\x1b\]0;pwned\\x07\\x1b\[2J/, format);
  }
});

test('output that cannot be written (a full disk) is one line and exit 2; a reader that goes away keeps the exit code', () => {
  const file = write('error.log', BTF_LINE);
  const full = spawnResult(`'${process.execPath}' '${BIN}' why --no-probe '${file}' > /dev/full`);
  assert.equal(full.status, 2);
  assert.equal(full.stderr.trim(), 'kcompat: cannot write the output (ENOSPC)');
  const many = write('many.log', BTF_LINE.repeat(50_000));
  const closed = spawnResult(
    `'${process.execPath}' '${BIN}' why --no-probe '${many}' | head -c 10 > /dev/null; echo "status=\${PIPESTATUS:-x}"`,
  );
  const piped = spawnSync(
    'bash',
    [
      '-c',
      `'${process.execPath}' '${BIN}' why --no-probe '${many}' | head -c 10 >/dev/null; echo \${PIPESTATUS[0]}`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(piped.stdout.trim(), '1', `${closed.stdout} ${piped.stderr}`);
});

test('a glob through a symlink loop reads each file once; many inputs are summed up, not listed', () => {
  const dir = join(scratch, 'loop');
  mkdirSync(dir);
  writeFileSync(join(dir, 'kubelet.log'), BTF_LINE);
  symlinkSync(dir, join(dir, 'again'));
  const run = kcompat(['why', '--no-probe', '--format', 'json', `${dir}/**/*.log`]);
  assert.equal(json(run).inputs.length, 1, run.stdout);
  assert.equal(json(run).findings[0].occurrences, 1);
  const many = join(scratch, 'many');
  mkdirSync(many);
  for (let index = 0; index < 2000; index++) writeFileSync(join(many, `pod-${index}.log`), 'ok\n');
  const text = kcompat(['why', '--no-probe', `${many}/*.log`]);
  const headline = text.stdout.split('\n')[0]!;
  assert.match(headline, /in 2,000 inputs \(2,000 lines, /);
  assert.ok(headline.length < 200, headline);
});

test('a file named twice is read once', () => {
  const file = write('twice.log', BTF_LINE);
  const run = kcompat(['why', '--no-probe', '--format', 'json', file, file]);
  assert.equal(json(run).inputs.length, 1);
  assert.equal(readFileSync(file, 'utf8'), BTF_LINE);
});

test('--facts from a FIFO (process substitution) is read; a FIFO with no writer does not hang', () => {
  const facts = JSON.stringify({
    schemaVersion: 1,
    facts: { 'kernel.upstream': { value: '5.10.197', source: 'probe' } },
  });
  const piped = spawnSync(
    'bash',
    [
      '-c',
      `'${process.execPath}' '${BIN}' check --no-probe --format json --facts <(sleep 0.3; printf '%s' '${facts}')`,
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  assert.ok(piped.status === 0 || piped.status === 1, piped.stderr);
  assert.equal(JSON.parse(piped.stdout).facts['kernel.upstream'].value, '5.10.197');
});

test('--kernel values that are not a kernel release are refused in one line, not read as another version', () => {
  for (const [value, reason] of [
    ['99999999999999999999.1.1', /outside any Linux version/],
    ['5.99999999999999999999.0', /outside any Linux version/],
    ['', /empty/],
    ['banana', /must start with MAJOR\.MINOR/],
    ['0.9.1', /outside any Linux version/],
  ] as const)
    assertUsageError(kcompat(['check', '--no-probe', '--kernel', value]), reason);
  for (const value of [
    '5.10',
    '6.1.58',
    '5.10.0-26-amd64',
    '2.6.32-754.el6.x86_64',
    '6.8.0-1012-aws',
  ])
    assert.ok([0, 1].includes(kcompat(['check', '--no-probe', '--kernel', value]).status!), value);
});

test('usage errors are one line: a bad option value, an unknown option, an unknown command', () => {
  assertUsageError(kcompat(['why', '--format', 'bogus', '-'], 'x'), /argument 'bogus' is invalid/);
  assertUsageError(kcompat(['why', '--nope', '-'], 'x'), /unknown option '--nope'/);
  assertUsageError(
    kcompat(['bogus']),
    /unknown command 'bogus'; the commands are why, check, probe, verifier, kb, version, help/,
  );
  assertUsageError(kcompat(['kb', 'nope']), /unknown command 'nope'/);
});
