// Component --version runs against real programs that misbehave: written as shell scripts in a
// scratch PATH directory and run for real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { componentFact, libraryFact, systemdFact, type ComponentSpec } from './components.js';
import { HostFs } from './read.js';

const bin = mkdtempSync(join(tmpdir(), 'kcompat-components-'));
process.on('exit', () => rmSync(bin, { recursive: true, force: true }));

function fakeComponent(name: string, script: string): ComponentSpec {
  const file = join(bin, name);
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return { name, commands: [name], args: ['--version'], pattern: /widget version (\S+)/ };
}

async function factOf(spec: ComponentSpec) {
  const started = performance.now();
  const fact: { value?: unknown; unknown?: string } = await componentFact(
    spec,
    new HostFs('/'),
    bin,
  );
  return { fact, ms: performance.now() - started };
}

/** Running: it exists and is not a zombie waiting for whoever adopted it to reap it. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

test('a well-behaved component gives its version', async () => {
  const { fact } = await factOf(fakeComponent('widget-ok', 'echo "widget version 1.14.1"'));
  assert.equal(fact.value, '1.14.1');
});

const pidFile = join(bin, 'child.pid');

test('a --version that hangs is unknown after the time-out, and its processes are killed', async () => {
  const { fact, ms } = await factOf(
    fakeComponent('widget-hang', `sleep 60 & echo $! > ${pidFile}; wait`),
  );
  assert.equal(fact.value, undefined);
  assert.match(fact.unknown ?? '', /did not answer within 2000 ms/);
  assert.ok(ms < 4000, `took ${ms} ms`);
  const sleeper = Number(readFileSync(pidFile, 'utf8'));
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(alive(sleeper), false, 'the hanging child is gone');
});

test('a child that keeps stdout open after --version exits does not hold the probe', async () => {
  const { fact, ms } = await factOf(
    fakeComponent('widget-daemon', `echo "widget version 2.0.0"; sleep 60 & echo $! > ${pidFile}`),
  );
  assert.equal(fact.value, '2.0.0');
  assert.ok(ms < 1500, `took ${ms} ms`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(alive(Number(readFileSync(pidFile, 'utf8'))), false, 'the lingering child is gone');
});

test('garbage output is unknown, with a printable reason', async () => {
  const { fact } = await factOf(
    fakeComponent('widget-garbage', "printf 'widget \\377\\376\\001\\033[31m\\000\\n\\222'"),
  );
  assert.equal(fact.value, undefined);
  assert.match(fact.unknown ?? '', /printed no version: widget \?/);
  assert.doesNotMatch(fact.unknown ?? '', /[\u0000-\u001f\u007f-\u009f]/);
});

test('endless output is cut and the command killed; a version early in it still counts', async () => {
  const endless = await factOf(fakeComponent('widget-yes', 'yes'));
  assert.equal(endless.fact.value, undefined);
  assert.match(endless.fact.unknown ?? '', /printed no version: y y y/);
  assert.ok(endless.ms < 2000, `took ${endless.ms} ms`);
  const { fact } = await factOf(fakeComponent('widget-chatty', 'echo "widget version 3.1.0"; yes'));
  assert.equal(fact.value, '3.1.0');
});

test('a command that fails without output, or cannot run, is unknown with the reason', async () => {
  const failing = await factOf(fakeComponent('widget-fail', 'exit 3'));
  assert.match(failing.fact.unknown ?? '', /failed: exit 3/);
  const broken = fakeComponent('widget-broken', '');
  writeFileSync(join(bin, 'widget-broken'), '#!/nonexistent/interpreter\n');
  const { fact } = await factOf(broken);
  assert.match(fact.unknown ?? '', /failed: .*ENOENT/);
});

test('a warning on stderr does not run into the version on stdout', async () => {
  const spec = fakeComponent(
    'widget-warns',
    "echo 'widget version 0.0.1-from-stderr' >&2; sleep 0.05; printf 'widget version 1.15.2'; printf 'rc1 deprecated' >&2",
  );
  const { fact } = await factOf(spec);
  assert.equal(fact.value, '1.15.2');
});

test('library and init components read from file names: the soname link wins, systemd counts only as PID 1', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kcompat-libraries-'));
  try {
    const lib = join(root, 'usr/lib/x86_64-linux-gnu');
    mkdirSync(join(lib, 'systemd'), { recursive: true });
    mkdirSync(join(root, 'proc/1'), { recursive: true });
    // An older libbcc left behind next to the one the soname link names.
    writeFileSync(join(lib, 'libbcc.so.0.18.0'), '');
    writeFileSync(join(lib, 'libbcc.so.0.29.1'), '');
    symlinkSync('libbcc.so.0.29.1', join(lib, 'libbcc.so.0'));
    writeFileSync(join(lib, 'systemd/libsystemd-shared-255.4-1.fc40.so'), '');
    const fs = new HostFs(root);
    assert.equal((libraryFact(fs, 'libbcc.so.') as { value: unknown }).value, '0.29.1');
    const libbpf = libraryFact(fs, 'libbpf.so.') as { value: unknown; source: string };
    assert.equal(libbpf.value, null);
    assert.match(libbpf.source, /^not installed/);

    writeFileSync(join(root, 'proc/1/comm'), 'systemd\n');
    assert.equal((systemdFact(fs) as { value: unknown }).value, '255.4.0');
    writeFileSync(join(root, 'proc/1/comm'), 'tini\n');
    const notInit = systemdFact(fs) as { value: unknown; source: string };
    assert.equal(notInit.value, null);
    assert.match(notInit.source, /not the init: \/proc\/1\/comm is tini/);
    rmSync(join(root, 'proc/1/comm'));
    assert.ok('unknown' in systemdFact(fs));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
