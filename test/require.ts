// Tests that need root, bpf() or a system tool: they run here for real, are skipped with the
// reason on a developer machine that lacks it, and fail in CI (CI=true) rather than skip.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { machine, release } from 'node:os';
import type { TestContext } from 'node:test';
import { openBpfSyscall } from '../src/host/bpf/syscall.js';

/** Skips with the reason on a developer machine; fails in CI, which must run every test. */
export function missing(t: TestContext, reason: string): false {
  if (process.env.CI === 'true') assert.fail(`CI must run this test, but ${reason}`);
  t.skip(reason);
  return false;
}

/**
 * True when this process is root and can call bpf(2). The test's output names the kernel it ran
 * on: what a live test saw belongs to that kernel.
 */
export function requireRootBpf(t: TestContext): boolean {
  if (process.getuid?.() !== 0) return missing(t, 'it needs root');
  const sys = openBpfSyscall();
  if (sys instanceof Error) return missing(t, sys.message);
  t.diagnostic(`kernel ${release()} (${machine()})`);
  return true;
}

/** True when the command runs (e.g. bpftool, setpriv). */
export function requireCommand(
  t: TestContext,
  command: string,
  args: string[] = ['--version'],
): boolean {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  if (result.error || result.status !== 0)
    return missing(
      t,
      `${command} is not available (${result.error?.message ?? `exit ${result.status}`})`,
    );
  return true;
}

/** True when this process is root and setpriv exists: tests can run a command as nobody. */
export function requireRootSetpriv(t: TestContext): boolean {
  if (process.getuid?.() !== 0) return missing(t, 'it needs root');
  return requireCommand(t, 'setpriv', ['--version']);
}

/** Runs the built kcompat as uid/gid 65534 (nobody) with no supplementary groups. */
export function kcompatAsNobody(bin: string, args: string[]) {
  return spawnSync(
    'setpriv',
    ['--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, bin, ...args],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
}

/** True when this process is root on x86-64 and unshare exists: tests can change mounts and seccomp. */
export function requireRootSandbox(t: TestContext): boolean {
  if (process.getuid?.() !== 0) return missing(t, 'it needs root');
  if (process.arch !== 'x64') return missing(t, 'the seccomp filter in the test is for x86-64');
  return requireCommand(t, 'unshare', ['--version']);
}
