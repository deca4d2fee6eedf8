// Benchmark: an operator's knowledge base as it grows (issue 14). `kcompat kb test` on 500, 1,000
// and 2,000 synthetic entries (its time per entry stays flat when it is linear), and `kcompat why`
// on a 100 MB mixed log with the built-in knowledge base alone, then with 1,000 and 10,000 extra
// entries: the first run parses the YAML, the later ones read the directory's cache. Medians.
import { mkdirSync, readFileSync } from 'node:fs';
import { generateMixedLog } from './mixed-log.js';
import { BIN, DIR, median, timed, writeSyntheticKb } from './why.bench.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LOG_MB = Number(process.env.BENCH_KB_LOG_MB ?? 100);

export function benchKbScale() {
  mkdirSync(DIR, { recursive: true });
  const cacheDir = `${DIR}kb-cache`;
  const env = { ...process.env, KCOMPAT_CACHE_DIR: cacheDir };
  const kbTest = [500, 1000, 2000].map((count) => {
    const dir = `${DIR}kb-test-${count}`;
    writeSyntheticKb(dir, count);
    const ms = median(
      Array.from({ length: RUNS }, () => timed(process.execPath, [BIN, 'kb', 'test', dir], env).ms),
    );
    return { count, ms, msPerEntry: ms / count };
  });
  const log = `${DIR}mixed-${LOG_MB}m.log`;
  generateMixedLog(log, LOG_MB << 20);
  readFileSync(log); // into the page cache
  const why = (extra: number) => {
    const args = [BIN, 'why', '--no-probe', '--format', 'json', log];
    if (extra === 0)
      return {
        extra,
        first: null,
        ms: median(Array.from({ length: RUNS }, () => timed(process.execPath, args, env).ms)),
      };
    const dir = `${DIR}kb-why-${extra}`;
    writeSyntheticKb(dir, extra);
    const first = timed(process.execPath, [...args, '--kb', dir], {
      ...env,
      KCOMPAT_CACHE: 'off',
    }).ms;
    timed(process.execPath, [...args, '--kb', dir], env); // writes the cache
    const ms = median(
      Array.from({ length: RUNS }, () => timed(process.execPath, [...args, '--kb', dir], env).ms),
    );
    return { extra, first, ms };
  };
  return { kbTest, why: [why(0), why(1000), why(10_000)] };
}

export function printKbScale(result: ReturnType<typeof benchKbScale>): void {
  console.log("## An operator's knowledge base as it grows (medians)");
  console.log('| kcompat kb test | time | per entry |');
  console.log('| --- | --- | --- |');
  for (const row of result.kbTest)
    console.log(
      `| ${row.count} entries | ${(row.ms / 1000).toFixed(2)} s | ${row.msPerEntry.toFixed(2)} ms |`,
    );
  const base = result.why[0]!.ms;
  console.log('');
  console.log(
    `| kcompat why, ${LOG_MB} MB mixed log | first run (YAML) | later runs (cache) | ratio to built-in alone |`,
  );
  console.log('| --- | --- | --- | --- |');
  for (const row of result.why)
    console.log(
      `| ${row.extra === 0 ? 'built-in alone' : `+${row.extra} entries`} | ${row.first === null ? '' : `${(row.first / 1000).toFixed(2)} s`} | ${(row.ms / 1000).toFixed(2)} s | ${(row.ms / base).toFixed(2)} |`,
    );
}
