// From a parsed verifier log to the explanation a user reads: the error, its errno, the failing
// instruction, the limit hit, whether the log was cut, and what the message means, from the
// catalogue. Pure.
import { errnoByName } from '../core/errno.js';
import type { FilterSummary } from '../core/filter-summary.js';
import {
  fillPlaceholders,
  lookupMessage,
  type CatalogueEntry,
  type VerifierLimit,
} from './catalogue.js';
import type {
  BranchDecision,
  Instruction,
  ParsedVerifierLog,
  Truncation,
  VerifierStats,
} from './parse.js';

export const VERIFIER_SCHEMA_VERSION = 1;

export interface VerifierExplanation {
  id: string;
  title: string;
  meaning: string;
  fixes: string[];
  source: string;
  where: string;
  captures: Record<string, string>;
}

export interface VerifierReport {
  schemaVersion: typeof VERIFIER_SCHEMA_VERSION;
  input: string;
  /**
   * rejected: an error or a failed load; accepted: the verifier's summary with no error;
   * unknown: a log cut before either.
   */
  outcome: 'rejected' | 'accepted' | 'unknown';
  error: string | null;
  errorLine: number | null;
  errno: string | null;
  errnoNumber: number | null;
  /** Where the errno came from: the loader's own line, or what the kernel returns for this message. */
  errnoFrom: 'loader' | 'message' | null;
  program: string | null;
  insn: Instruction | null;
  recentInsns: Instruction[];
  state: string | null;
  path: BranchDecision[];
  processedInsns: number | null;
  stats: VerifierStats;
  /** The verifier limit the program hit, or null. */
  limit: VerifierLimit | null;
  truncated: Truncation[];
  /** Whether the log was cut in a way that may hide the real error. */
  errorMayBeMissing: boolean;
  explanation: VerifierExplanation | null;
  notes: string[];
  lines: number;
  /** What --ignore, --min-severity or --verdict left out (the log's result, or nothing). */
  filtered?: FilterSummary;
}

/** Every errno a kernel returns with this message: the usual one, then other versions' ones. */
export function messageErrnos(entry: CatalogueEntry): string[] {
  return [entry.errno, ...entry.otherErrnos.map((other) => other.errno)];
}

export function explainVerifierLog(
  parsed: ParsedVerifierLog,
  catalogue: readonly CatalogueEntry[],
  input = '-',
): VerifierReport {
  const found = parsed.error ? lookupMessage(parsed.error, catalogue) : undefined;
  const notes: string[] = [];
  const errnoFromMessage = found?.entry.errno ?? null;
  const errno = parsed.loaderErrno ?? errnoFromMessage;
  let limit = found?.entry.limit ?? null;
  // Stack offsets within 512 bytes are ordinary out-of-bounds accesses, not the stack limit.
  if (limit === 'stack-size' && Math.abs(Number(found?.captures.offset ?? 0)) <= 512) limit = null;
  if (parsed.loaderErrno === 'ENOSPC') {
    notes.push(
      'ENOSPC with a verifier log means the log buffer was too small, not that the program is invalid: the kernel fails a load whose log it had to truncate, even for a valid program. Load again with a larger buffer or without a log to see the real result.',
    );
  }
  if (
    found &&
    parsed.loaderErrno &&
    parsed.loaderErrno !== 'ENOSPC' &&
    !messageErrnos(found.entry).includes(parsed.loaderErrno)
  ) {
    notes.push(
      `The loader reports ${parsed.loaderErrno}; this message comes with ${messageErrnos(found.entry).join(' or ')}.`,
    );
  }
  if (found && !parsed.loaderErrno)
    for (const other of found.entry.otherErrnos)
      notes.push(
        `Some kernels return ${other.errno} with this message instead of ${found.entry.errno}: ${other.when}.`,
      );
  if (parsed.truncated.includes('head-missing'))
    notes.push(
      'The log starts mid-way: a rotating log (Linux 6.4+) keeps the tail, so the end, with the error, is complete.',
    );
  if (parsed.truncated.includes('tail-missing'))
    notes.push(
      "The log stops before the verifier's summary: it was cut (a log buffer that kept the head, or a loader that shortened it), so the real error may be missing.",
    );
  if (parsed.truncated.includes('lines-omitted'))
    notes.push(
      'The loader omitted lines of the log (cilium/ebpf keeps the last lines); the error line is kept.',
    );
  if (parsed.longLines > 0) notes.push(`${parsed.longLines} over-long line(s) were cut.`);
  if (parsed.error && !found)
    notes.push(
      'This message is not in the catalogue of known verifier messages; see kernel/bpf/verifier.c for where it is printed.',
    );
  const errorMayBeMissing = !parsed.error && parsed.truncated.length > 0;
  const outcome =
    parsed.error !== null || parsed.loaderErrno !== null
      ? 'rejected'
      : parsed.stats.processedInsns !== null
        ? 'accepted'
        : 'unknown';
  return {
    schemaVersion: VERIFIER_SCHEMA_VERSION,
    input,
    outcome,
    error: parsed.error,
    errorLine: parsed.errorLine,
    errno,
    errnoNumber: errno ? (errnoByName(errno)?.number ?? null) : null,
    errnoFrom: parsed.loaderErrno ? 'loader' : errnoFromMessage ? 'message' : null,
    program: parsed.program,
    // An accepted program failed nowhere: its last instruction is not a failing one.
    insn: outcome === 'accepted' ? null : parsed.insn,
    recentInsns: parsed.recentInsns,
    state: parsed.state,
    path: parsed.path,
    processedInsns: parsed.stats.processedInsns,
    stats: parsed.stats,
    limit,
    truncated: parsed.truncated,
    errorMayBeMissing,
    explanation: found
      ? {
          id: found.entry.id,
          title: found.entry.title,
          meaning: fillPlaceholders(found.entry.meaning, found.captures),
          fixes: found.entry.fixes,
          source: found.entry.source,
          where: found.entry.where,
          captures: found.captures,
        }
      : null,
    notes,
    lines: parsed.lines,
  };
}

/** Whether a line looks like verifier output: an instruction or the verifier's summary. */
export function looksLikeVerifierLine(line: string): boolean {
  return VERIFIER_LINE.test(line);
}
const VERIFIER_LINE =
  /(?:^|[\s`'"])\d+: \([0-9a-f]{2}\) |processed \d+ insns \(limit \d+\)|BPF program is too large\. Processed|-- BEGIN PROG LOAD LOG --/;
