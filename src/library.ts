// The library's front end, beside the CLI: what a program needs besides the pure core. It reads
// files as `kcompat why` and `kcompat verifier` read them (globs, gzip and zstd, journald and
// container log formats) and loads the verifier-message catalogue; it never reads the machine
// (collectFacts, in src/host, does: src/index.ts exports both).
import { createRequire } from 'node:module';
import { expandInputs, streamLines } from './cli/input.js';
import { reportScan, type DiagnoseOptions } from './core/diagnose.js';
import type { Facts } from './core/facts.js';
import { MAX_RECORD_CHARS } from './core/log-records.js';
import { LogScanner } from './core/log-scanner.js';
import type { Report } from './core/report.js';
import { unescapeLine } from './core/scan.js';
import type { KnowledgeBase } from './kb/types.js';
import { loadCatalogue } from './verifier/catalogue-file.js';
import type { CatalogueEntry } from './verifier/catalogue.js';
import { explainVerifierLog as explainParsedLog, type VerifierReport } from './verifier/explain.js';
import { isVerifierLog, MAX_LINE_CHARS, VerifierLogParser } from './verifier/parse.js';

const require = createRequire(import.meta.url);
/** The package's version, which reports name as the tool's. */
export const VERSION = (require('../package.json') as { version: string }).version;

export interface ScanFilesOptions extends DiagnoseOptions {
  /** Stop reading an input that stays open longer (a FIFO, a pipe, /dev/kmsg), in seconds. */
  timeoutSeconds?: number;
}

/**
 * Diagnoses files (paths, quoted globs, `-` for standard input; gzip and zstd recognised by
 * content) against the knowledge base, streamed in bounded memory: the library form of
 * `kcompat why FILE...`. `facts` are the host's (collectFacts(), a facts file, or `{}`); facts the
 * text states come above them and `options.explicitFacts` above both. An input that cannot be
 * read is reported in `report.inputs[].error` and the others are diagnosed; the promise rejects
 * (one-line message) only when no input could be read. Findings whose input carries a verifier
 * log explain it, with the built-in catalogue unless `options.verifierCatalogue` is given.
 */
export async function scanFiles(
  paths: readonly string[],
  facts: Facts,
  kb: KnowledgeBase,
  options: ScanFilesOptions = {},
): Promise<Report> {
  const { timeoutSeconds, ...diagnoseOptions } = options;
  const scanner = new LogScanner(kb, { ...diagnoseOptions, verifierLogs: true });
  const { inputs, errors } = await expandInputs(paths);
  const problems = errors.map((error) => error.message);
  // A pattern that matches nothing, or "-" named twice: an input that could not be read.
  for (const problem of problems) {
    scanner.beginInput(
      problem.startsWith('standard input') ? '-' : problem.replace(/: [^:]*$/, ''),
    );
    scanner.endInput(0, { error: problem });
  }
  let read = 0;
  for (const name of inputs) {
    scanner.beginInput(name);
    try {
      const {
        bytes,
        lines: _lines,
        ...notes
      } = await streamLines(
        name,
        { onBlock: (block) => scanner.pushBytes(block) },
        {
          maxLineBytes: MAX_RECORD_CHARS,
          ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
        },
      );
      scanner.endInput(bytes, notes);
      read++;
    } catch (error) {
      problems.push((error as Error).message);
      scanner.endInput(0, { error: (error as Error).message });
    }
  }
  if (read === 0)
    throw new Error(
      problems.length === 1 ? problems[0] : `none of the ${paths.length} inputs could be read`,
    );
  const scan = scanner.finish();
  // The catalogue is read only when some input carried a verifier log.
  const verifierCatalogue =
    options.verifierCatalogue ??
    (scan.evidence.some((evidence) => evidence.verifierLog) ? loadCatalogue() : undefined);
  return reportScan(scan, facts, kb, {
    toolVersion: VERSION,
    ...diagnoseOptions,
    ...(verifierCatalogue ? { verifierCatalogue } : {}),
  });
}

export interface ExplainVerifierOptions {
  /** The input's name, shown in the report (default "-"). */
  name?: string;
  /** The verifier-message catalogue (default: the built-in data/verifier-messages.yaml). */
  catalogue?: readonly CatalogueEntry[];
}

/**
 * Explains a BPF verifier log given as text (raw, as libbpf, cilium/ebpf, bcc or bpftool print
 * it, or inside a runtime's error with escaped newlines): the library form of `kcompat
 * verifier`. Returns undefined when the text holds no verifier log (`kcompat verifier` exits 2).
 * `report.outcome` is `accepted` or `rejected`, as the command's exit code 0 or 1.
 */
export function explainVerifierLog(
  text: string,
  { name = '-', catalogue }: ExplainVerifierOptions = {},
): VerifierReport | undefined {
  const parser = new VerifierLogParser();
  // Lines are cut where `kcompat verifier` cuts them when it streams a file.
  for (const line of text.split('\n'))
    for (const part of unescapeLine(line.slice(0, MAX_LINE_CHARS + 1))) parser.push(part);
  const parsed = parser.finish();
  if (!isVerifierLog(parsed)) return undefined;
  return explainParsedLog(parsed, catalogue ?? loadCatalogue(), name);
}
