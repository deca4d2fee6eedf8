// Benchmark: `kcompat probe` (every default probe, live host) against `bpftool feature probe
// kernel`, in the same run, interleaved, as wall time of whole commands. Needs root and bpftool.
// Prints medians and the ratio; BENCHMARKS.md records a run.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 21);

function timeRun(command: string, args: string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const COLLECT = new URL('../dist/host/collect.js', import.meta.url).href;

/**
 * The probe as a long-running kcompat (serve, a DaemonSet exporter) pays it: collectFacts() in
 * one process, the first call (cold: module load, V8 compiling the probe code) and the median of
 * the calls after it. Node's start-up is not part of it: such a process pays that once.
 */
function benchInProcess(runs: number): { first: number; warm: number } {
  const script = `
    const t0 = performance.now();
    const { collectFacts } = await import(${JSON.stringify(COLLECT)});
    await collectFacts();
    const first = performance.now() - t0;
    const warm = [];
    for (let i = 0; i < ${runs}; i++) {
      const start = performance.now();
      await collectFacts();
      warm.push(performance.now() - start);
    }
    warm.sort((a, b) => a - b);
    console.log(JSON.stringify({ first, warm: warm[Math.floor(warm.length / 2)] }));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`in-process probe failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { first: number; warm: number };
}

export function benchProbe(): {
  kcompat: number;
  kcompatNoComponents: number;
  bpftool: number;
  nodeBaseline: number;
  inProcessFirst: number;
  inProcessWarm: number;
} {
  const samples = {
    kcompat: [] as number[],
    kcompatNoComponents: [] as number[],
    bpftool: [] as number[],
    nodeBaseline: [] as number[],
  };
  // Warm the page cache and both binaries once.
  timeRun(process.execPath, [BIN, 'probe', '--format', 'json']);
  timeRun('bpftool', ['feature', 'probe', 'kernel']);
  for (let i = 0; i < RUNS; i++) {
    samples.kcompat.push(timeRun(process.execPath, [BIN, 'probe', '--format', 'json']));
    samples.bpftool.push(timeRun('bpftool', ['feature', 'probe', 'kernel']));
    samples.kcompatNoComponents.push(
      timeRun(process.execPath, [BIN, 'probe', '--format', 'json', '--no-components']),
    );
    samples.nodeBaseline.push(timeRun(process.execPath, ['-e', '0']));
  }
  const inProcess = benchInProcess(RUNS);
  return {
    inProcessFirst: inProcess.first,
    inProcessWarm: inProcess.warm,
    kcompat: median(samples.kcompat),
    kcompatNoComponents: median(samples.kcompatNoComponents),
    bpftool: median(samples.bpftool),
    nodeBaseline: median(samples.nodeBaseline),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = benchProbe();
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  console.log(`probe (${RUNS} runs each, medians, interleaved)`);
  console.log(
    `  kcompat probe --format json              ${ms(result.kcompat)}  ratio to bpftool ${(result.kcompat / result.bpftool).toFixed(2)}`,
  );
  console.log(
    `  kcompat probe --no-components            ${ms(result.kcompatNoComponents)}  ratio to bpftool ${(result.kcompatNoComponents / result.bpftool).toFixed(2)}`,
  );
  console.log(`  bpftool feature probe kernel             ${ms(result.bpftool)}`);
  console.log(`  node -e 0 (start-up floor)               ${ms(result.nodeBaseline)}`);
  console.log(
    `  collectFacts() in process: first ${ms(result.inProcessFirst)}, warm ${ms(result.inProcessWarm)}`,
  );
}
