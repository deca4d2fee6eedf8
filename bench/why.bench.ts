// Benchmark: `kcompat why --format json` over a large mixed log (bench/mixed-log.ts, in the page
// cache) against ripgrep (`rg -c`, one -e per signature) and GNU `grep -E -c -f`, in the same
// run; then the same with a synthetic knowledge base of 1,000 entries; then start-up on a 1 KB
// input against `node -e 0`. Wall time and peak RSS of whole commands, medians.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadKnowledgeBase } from '../src/kb/load.js';
import { generateMixedLog, PLANTED } from './mixed-log.js';
import { peerPatterns } from './peer-patterns.js';

export const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
export const DIR = fileURLToPath(new URL('../.bench/', import.meta.url));
const SIZE_MB = Number(process.env.BENCH_WHY_MB ?? 1024);
/** GNU grep on the same file by default; BENCH_GREP_MB runs it on a smaller log instead. */
const GREP_MB = Number(process.env.BENCH_GREP_MB ?? SIZE_MB);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Timing {
  ms: number;
  rssMiB: number;
  stdout: string;
}

export function timed(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Timing {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env,
  });
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`${command} failed (${result.status}): ${result.stderr.slice(-500)}`);
  const [seconds, rss] = result.stderr.trim().split('\n').pop()!.split(' ');
  return { ms: Number(seconds) * 1000, rssMiB: Number(rss) / 1024, stdout: result.stdout };
}

/** Wall time in ms of a short command, timed here (/usr/bin/time rounds to 10 ms). */
function wall(command: string, args: string[]): number {
  const started = performance.now();
  const result = spawnSync(command, args, { stdio: 'ignore' });
  if (result.status !== 0 && result.status !== 1) throw new Error(`${command} failed`);
  return performance.now() - started;
}

export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A synthetic knowledge base of `count` entries (each with a distinct literal) in a directory. */
export function writeSyntheticKb(dir: string, count: number): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const id = `synthetic-${i}`;
    writeFileSync(
      `${dir}/${id}.yaml`,
      [
        `id: ${id}`,
        `family: synthetic`,
        `title: synthetic entry ${i}`,
        'severity: error',
        'components: [bench]',
        'summary: s',
        'explanation: e',
        'signatures:',
        `  - name: s${i}`,
        `    pattern: 'synthetic failure ${i}-[a-z]+ code (?<code>\\d+)'`,
        'fix: f',
        'references:',
        `  - url: https://example.org/${id}`,
        '    kind: docs',
        'examples:',
        `  - text: 'synthetic failure ${i}-abc code 7'`,
        `    source: https://example.org/${id}`,
        '',
      ].join('\n'),
    );
  }
}

export function benchWhy() {
  mkdirSync(DIR, { recursive: true });
  const log = `${DIR}mixed-${SIZE_MB}m.log`;
  const planted = generateMixedLog(log, SIZE_MB << 20);
  const grepLog = `${DIR}mixed-${GREP_MB}m.log`;
  generateMixedLog(grepLog, GREP_MB << 20);
  const mb = statSync(log).size / (1 << 20);
  const grepMb = statSync(grepLog).size / (1 << 20);
  readFileSync(log); // into the page cache
  const kb = loadKnowledgeBase();
  const patterns = peerPatterns(kb);
  const patternFile = `${DIR}grep-patterns.txt`;
  writeFileSync(patternFile, `${patterns.grep.join('\n')}\n`);
  const rgArgs = ['-c', ...patterns.ripgrep.flatMap((pattern) => ['-e', pattern])];
  const syntheticDir = `${DIR}synthetic-kb`;
  writeSyntheticKb(syntheticDir, 1000);
  const small = `${DIR}small.log`;
  writeFileSync(small, readFileSync(log).subarray(0, 1024));

  const runs = {
    kcompat: [] as Timing[],
    synthetic: [] as Timing[],
    rg: [] as Timing[],
    grep: [] as Timing[],
    small: [] as number[],
    node: [] as number[],
  };
  for (let i = 0; i < RUNS; i++) {
    runs.kcompat.push(timed(process.execPath, [BIN, 'why', '--no-probe', '--format', 'json', log]));
    runs.rg.push(timed('rg', [...rgArgs, log]));
    runs.grep.push(timed('grep', ['-E', '-c', '-f', patternFile, grepLog]));
    runs.synthetic.push(
      timed(process.execPath, [
        BIN,
        'why',
        '--no-probe',
        '--format',
        'json',
        '--kb',
        syntheticDir,
        log,
      ]),
    );
    for (let j = 0; j < 5; j++) {
      runs.small.push(
        wall(process.execPath, [BIN, 'why', '--no-probe', '--format', 'json', small]),
      );
      runs.node.push(wall(process.execPath, ['-e', '0']));
    }
  }
  // Every planted text found with the right count.
  const report = JSON.parse(runs.kcompat[0]!.stdout) as {
    findings: { id: string; occurrences: number }[];
  };
  const found = Object.fromEntries(
    report.findings.map((finding) => [finding.id, finding.occurrences]),
  );
  const missed = PLANTED.filter((plant) => found[plant.id] !== planted.get(plant.id)).map(
    (plant) => `${plant.id}: planted ${planted.get(plant.id)}, found ${found[plant.id] ?? 0}`,
  );
  const ms = (timings: Timing[]) => median(timings.map((timing) => timing.ms));
  return {
    mb,
    grepMb,
    approximated: patterns.approximated,
    signatures: patterns.ripgrep.length,
    missed,
    kcompat: { ms: ms(runs.kcompat), rssMiB: Math.max(...runs.kcompat.map((run) => run.rssMiB)) },
    synthetic: {
      ms: ms(runs.synthetic),
      rssMiB: Math.max(...runs.synthetic.map((run) => run.rssMiB)),
    },
    rg: { ms: ms(runs.rg), rssMiB: Math.max(...runs.rg.map((run) => run.rssMiB)) },
    grep: { ms: ms(runs.grep), rssMiB: Math.max(...runs.grep.map((run) => run.rssMiB)) },
    small: median(runs.small),
    node: median(runs.node),
  };
}

export function printWhy(result: ReturnType<typeof benchWhy>): void {
  const rate = (mb: number, ms: number) => mb / (ms / 1000);
  const kcompatRate = rate(result.mb, result.kcompat.ms);
  const rows: [string, number, number, number][] = [
    ['kcompat why --format json', result.kcompat.ms, kcompatRate, result.kcompat.rssMiB],
    [
      'kcompat why, 1,000 more entries (--kb)',
      result.synthetic.ms,
      rate(result.mb, result.synthetic.ms),
      result.synthetic.rssMiB,
    ],
    [
      `rg -c, ${result.signatures} -e`,
      result.rg.ms,
      rate(result.mb, result.rg.ms),
      result.rg.rssMiB,
    ],
    [
      `grep -E -c -f (on ${result.grepMb.toFixed(0)} MB)`,
      result.grep.ms,
      rate(result.grepMb, result.grep.ms),
      result.grep.rssMiB,
    ],
  ];
  console.log(`## why: a ${result.mb.toFixed(0)} MB mixed log in the page cache (medians)`);
  console.log('| command | median | throughput | ratio (kcompat / peer) | peak RSS |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [name, ms, mbps, rss] of rows)
    console.log(
      `| ${name} | ${(ms / 1000).toFixed(2)} s | ${mbps.toFixed(0)} MB/s | ${(kcompatRate / mbps).toFixed(2)} | ${rss.toFixed(0)} MiB |`,
    );
  console.log(
    `| kcompat why on 1 KB | ${result.small.toFixed(0)} ms | | ${(result.small / result.node).toFixed(2)}x node -e 0 (${result.node.toFixed(0)} ms) | |`,
  );
  console.log(
    `planted texts found with the right count: ${result.missed.length === 0 ? 'all' : result.missed.join('; ')}`,
  );
  console.log(
    `${result.approximated} of ${result.signatures} signatures approximated for the peers (look-arounds dropped)`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printWhy(benchWhy());
