// Benchmark: diagnose's time against its input size (issue 7: it must grow linearly). The same
// in-process call on 1, 10 and 100 MB of two shapes of log: the mixed node log of the why
// benchmark (mostly lines no signature can match; a planted error text every 1,000 lines), and a dense one where every line is an error
// text from the knowledge base, a near miss or a verifier log line, so every line takes the full
// path (regexes, record joining, the verifier parser). Linear: the time per MB stays the same.
import { loadKnowledgeBase } from '../src/kb/load.js';
import { diagnose } from '../src/core/diagnose.js';
import { loadCatalogue } from '../src/verifier/catalogue-file.js';
import { mixedLogText } from './mixed-log.js';

const SIZES_MB = [1, 10, 100];
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

export interface LinearRow {
  shape: string;
  mb: number;
  ms: number;
  /** Time per MB relative to the 1 MB run of the same shape: 1.0 is exactly linear. */
  perMbRatio: number;
  /** (ms - ms at 1 MB) / (mb - 1): the cost of each further MB, which stays flat when linear. */
  marginalMsPerMb: number | null;
  findings: number;
}

function denseLogText(size: number): string {
  const kb = loadKnowledgeBase();
  const lines = [
    ...kb.issues.flatMap((issue) => issue.examples.flatMap((example) => example.text.split('\n'))),
    ...kb.issues.flatMap((issue) => issue.nearMisses.map((miss) => miss.text)),
    '12: (61) r1 = *(u32 *)(r0 +0)',
    "R0 invalid mem access 'map_value_or_null'",
    'processed 12 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0',
  ].filter((line) => line.trim() !== '');
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const line = lines[i % lines.length]!;
    parts.push(line);
    length += line.length + 1;
  }
  return `${parts.join('\n')}\n`;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export function benchLinear(): LinearRow[] {
  const kb = loadKnowledgeBase();
  const catalogue = loadCatalogue();
  const rows: LinearRow[] = [];
  for (const [shape, make] of [
    ['mixed node log', (size: number) => mixedLogText(size, 1000)],
    ['dense: every line an error text', denseLogText],
  ] as const) {
    let perMbAt1 = 0;
    let msAt1 = 0;
    for (const mb of SIZES_MB) {
      const text = make(mb * 1_000_000);
      const times: number[] = [];
      let findings = 0;
      // One run not timed (compilation, heap growth), then the timed ones.
      for (let run = -1; run < RUNS; run++) {
        const started = performance.now();
        const report = diagnose([{ name: 'bench', text }], {}, kb, {
          verifierCatalogue: catalogue,
        });
        if (run >= 0) times.push(performance.now() - started);
        findings = report.findings.length;
      }
      const ms = median(times);
      if (mb === SIZES_MB[0]) [perMbAt1, msAt1] = [ms / mb, ms];
      rows.push({
        shape,
        mb,
        ms,
        perMbRatio: ms / mb / perMbAt1,
        marginalMsPerMb: mb === SIZES_MB[0] ? null : (ms - msAt1) / (mb - SIZES_MB[0]!),
        findings,
      });
    }
  }
  return rows;
}

export function printLinear(rows: readonly LinearRow[]): void {
  console.log('## diagnose: time against input size (in process, medians)');
  console.log(
    '| input | size | median | throughput | time per MB vs 1 MB | each further MB | findings |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows)
    console.log(
      `| ${row.shape} | ${row.mb} MB | ${row.ms.toFixed(0)} ms | ${(row.mb / (row.ms / 1000)).toFixed(0)} MB/s | ${row.perMbRatio.toFixed(2)} | ${row.marginalMsPerMb === null ? '' : `${row.marginalMsPerMb.toFixed(1)} ms`} | ${row.findings} |`,
    );
}

if (process.argv[1] === new URL(import.meta.url).pathname) printLinear(benchLinear());
