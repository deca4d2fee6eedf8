// Runs the built kcompat command as a user would, with a scratch directory and the assertions
// every CLI test shares (the one-line error contract).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = join(ROOT, 'dist', 'cli', 'main.js');
const FIXTURES = join(ROOT, 'test', 'fixtures');

export interface Run {
  status: number | null;
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function cliHarness(prefix: string) {
  const scratch = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

  function kcompat(args: string[], input?: string | Buffer, env: NodeJS.ProcessEnv = {}): Run {
    const result = spawnSync(process.execPath, [BIN, ...args], {
      input: input ?? '',
      encoding: 'utf8',
      env: {
        ...process.env,
        NO_COLOR: '',
        KCOMPAT_KB: '',
        KCOMPAT_CACHE_DIR: join(scratch, 'cache'),
        ...env,
      },
      timeout: 30_000,
    });
    return {
      status: result.status,
      signal: result.signal,
      stdout: result.stdout,
      stderr: result.stderr,
    };
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const json = (run: Run): any => JSON.parse(run.stdout);
  const fixture = (name: string) => join(FIXTURES, name);

  /** Asserts the one-line error contract: exit 2, one line on stderr, no stack trace. */
  function assertUsageError(run: Run, pattern: RegExp): void {
    assert.equal(run.status, 2, run.stderr);
    assert.equal(run.stdout, '');
    const lines = run.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, pattern);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  }

  return { scratch, kcompat, json, fixture, assertUsageError };
}

/**
 * Runs kcompat with its input from a shell pipeline; returns the run and its peak RSS in MiB
 * (test/report-peak-rss.mjs writes it at exit).
 */
export function kcompatFromPipeline(scratch: string, pipeline: string, args: string[]) {
  const rssFile = join(scratch, 'rss');
  const node = [
    process.execPath,
    '--import',
    join(ROOT, 'test', 'report-peak-rss.mjs'),
    BIN,
    ...args,
  ];
  const run = spawnSync('sh', ['-c', `${pipeline} | ${node.map((arg) => `'${arg}'`).join(' ')}`], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 1 << 24,
    env: { ...process.env, KCOMPAT_TEST_RSS_FILE: rssFile },
  });
  return { run, rssMiB: Number(readFileSync(rssFile, 'utf8')) / 1024 };
}

/**
 * The peak RSS of a run that reads one short line: what loading kcompat and its knowledge base
 * costs. Memory tests bound what an input adds to it, so they hold as the knowledge base grows.
 */
export function baselineRssMiB(scratch: string): number {
  return kcompatFromPipeline(scratch, "printf 'kubelet started\\n'", [
    'why',
    '--no-probe',
    '--format',
    'json',
    '-',
  ]).rssMiB;
}
