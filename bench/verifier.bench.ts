// Benchmark: `kcompat verifier` on a 100 MB log_level 2 verifier log (generated, deterministic:
// instruction lines with register state, source annotations, branch states, then the error and
// the summary), as wall time and peak RSS of the whole command; throughput in MB/s. `grep -c`
// over the same file is shown as the floor of reading it at all.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const DIR = fileURLToPath(new URL('../.bench/', import.meta.url));
const SIZE = Number(process.env.BENCH_VERIFIER_MB ?? 100) * 1024 * 1024;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/** Writes the log once; the same bytes every time. */
export function generateVerifierLog(path: string, size: number): void {
  if (existsSync(path) && statSync(path).size >= size) return;
  const fd = openSync(path, 'w');
  let written = 0;
  let chunk: string[] = [];
  const flush = () => {
    const text = chunk.join('');
    writeSync(fd, text);
    written += Buffer.byteLength(text);
    chunk = [];
  };
  chunk.push('func#0 @0\n0: R1=ctx() R10=fp0\n');
  for (let i = 0; written < size; i++) {
    const insn = i % 4096;
    if (insn % 7 === 0)
      chunk.push(`; if (data + sizeof(*eth) > data_end) @ prog.bpf.c:${100 + (insn % 400)}\n`);
    chunk.push(
      `${insn}: (79) r${insn % 10} = *(u64 *)(r10 -${8 * ((insn % 60) + 1)})      ; R${insn % 10}_w=scalar(id=${i % 97},smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff)) R10=fp0 fp-${8 * ((insn % 60) + 1)}=mmmmmmmm\n`,
    );
    if (insn % 11 === 0)
      chunk.push(`${insn + 1}: (15) if r2 == 0x0 goto pc+3 ${insn + 5}: R1=ctx() R2=0 R10=fp0\n`);
    if (chunk.length > 4096) flush();
  }
  chunk.push("4097: (61) r0 = *(u32 *)(r1 +0)\nR1 invalid mem access 'scalar'\n");
  chunk.push(
    'processed 999999 insns (limit 1000000) max_states_per_insn 12 total_states 40000 peak_states 3000 mark_read 100\n',
  );
  flush();
  closeSync(fd);
}

function timed(command: string, args: string[]): { ms: number; rssKiB: number } {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`${command} failed: ${result.stderr}`);
  const [seconds, rss] = result.stderr.trim().split('\n').pop()!.split(' ');
  return { ms: Number(seconds) * 1000, rssKiB: Number(rss) };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export function benchVerifier(): {
  mb: number;
  kcompatMs: number;
  kcompatRssMiB: number;
  grepMs: number;
} {
  mkdirSync(DIR, { recursive: true });
  const file = `${DIR}verifier-level2.log`;
  generateVerifierLog(file, SIZE);
  const mb = statSync(file).size / (1024 * 1024);
  const kcompat: { ms: number; rssKiB: number }[] = [];
  const grep: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    kcompat.push(timed(process.execPath, [BIN, 'verifier', '--format', 'json', file]));
    grep.push(timed('grep', ['-c', 'invalid mem access', file]).ms);
  }
  return {
    mb,
    kcompatMs: median(kcompat.map((run) => run.ms)),
    kcompatRssMiB: Math.max(...kcompat.map((run) => run.rssKiB)) / 1024,
    grepMs: median(grep),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = benchVerifier();
  console.log(`verifier: ${result.mb.toFixed(0)} MB log_level 2 log, ${RUNS} runs, medians`);
  console.log(
    `  kcompat verifier --format json  ${result.kcompatMs.toFixed(0)} ms  ${(result.mb / (result.kcompatMs / 1000)).toFixed(0)} MB/s  peak RSS ${result.kcompatRssMiB.toFixed(0)} MiB`,
  );
  console.log(
    `  grep -c (reading floor)         ${result.grepMs.toFixed(0)} ms  ${(result.mb / (result.grepMs / 1000)).toFixed(0)} MB/s`,
  );
}
