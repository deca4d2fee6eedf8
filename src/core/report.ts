// The one Report type every command produces and every formatter reads.
import type { FactConflict, Facts } from './facts.js';
import type { FilterSummary } from './filter-summary.js';
import type { Severity } from '../kb/schema.js';
import type { VerifierReport } from '../verifier/explain.js';

export const REPORT_SCHEMA_VERSION = 1;

/** Verdicts, best first in ranking order: see DESIGN.md "Finding". */
export const VERDICTS = ['confirmed', 'likely', 'at-risk', 'ruled-out', 'benign'] as const;
export type Verdict = (typeof VERDICTS)[number];

export type ConditionResult = 'true' | 'false' | 'unknown';

export interface CheckedCondition {
  /** The fact key the condition reads. */
  fact: string;
  /** What the entry requires, in words a user reads ("crun >=1.14.0 <1.14.1"). */
  expected: string;
  /** The fact's value, or null when unknown. */
  actual: string | null;
  result: ConditionResult;
  /** Why the result is what it is (the fact's source, or why it is unknown). */
  reason: string;
  /** The upstream source of the boundary. */
  source: string;
  /** For component conditions: the first fixed version. */
  fixed?: string;
}

export interface Match {
  /** Name of the input (a file name, or "-" for standard input). */
  input: string;
  /** 1-based line number in that input where the match starts. */
  line: number;
  /** The matched text (shortened when long). */
  text: string;
  signature: string;
  /** Named captures, plus derived ones (errno, errnoNumber). */
  captures: Record<string, string>;
  /** The record's timestamp, as the log wrote it, when its format has one. */
  timestamp?: string;
}

/** One cause a general finding's mechanism can have, and what the facts say of it. */
export interface DifferentialCause {
  cause: string;
  /** fits: its conditions hold; excluded: one fails; undecided: some are unknown (or it has none). */
  result: 'fits' | 'excluded' | 'undecided';
  conditions: CheckedCondition[];
  /** The command (or file) that shows the deciding fact. */
  check: string;
  /** The specific entry for this cause, when there is one. */
  entry?: string;
  source?: string;
}

export interface Finding {
  id: string;
  family: string;
  title: string;
  /** general: the family's mechanism, with the differential; specific: one cause. */
  layer: 'general' | 'specific';
  verdict: Verdict;
  severity: Severity;
  summary: string;
  explanation: string;
  /** One paragraph: why this verdict. */
  reasoning: string;
  matches: Match[];
  /** How many times the signatures matched in all inputs. */
  occurrences: number;
  /** Timestamps of the first and last occurrence, when the log format has them. */
  firstSeen?: string;
  lastSeen?: string;
  conditions: CheckedCondition[];
  fix: string;
  workarounds: { text: string; cost?: string; verified: boolean; source?: string }[];
  references: { url: string; kind: string; title?: string }[];
  related: string[];
  unverified: string[];
  /** When ruled out: what else the text can mean. */
  ruledOutHint?: string;
  /** General findings: each cause the mechanism can have, with what the facts say of it. */
  differential?: DifferentialCause[];
  /** For benign findings: error lines nearby that are the likelier real cause. */
  realCauseHints?: Match[];
  /** When the input carries a BPF verifier log: its explanation (as `kcompat verifier`). */
  verifier?: VerifierReport;
}

export interface InputSummary {
  name: string;
  lines: number;
  bytes: number;
  /** Lines longer than the limit (1 MiB), cut: the rest of each was skipped. */
  longLines?: number;
  /** Runs of NUL bytes (an unclean shutdown, copytruncate) skipped, and their bytes. */
  nulRuns?: number;
  nulBytes?: number;
  /** Text decoded from UTF-16 (it had a byte order mark). */
  encoding?: 'utf-16le' | 'utf-16be';
  /** journald's export format: lines are its entries. */
  format?: 'journal-export';
  /** Nothing to read (or only NUL bytes): not an error. */
  empty?: boolean;
  /** --timeout ended the reading; what came before it was diagnosed. */
  timedOut?: boolean;
  /** Why this input could not be read (to its end): the rest of it is not diagnosed. */
  error?: string;
}

/** What the reader tells about an input besides its name and size. */
export type InputNotes = Omit<InputSummary, 'name' | 'lines' | 'bytes'>;

export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: 'kcompat'; version: string };
  command: 'why' | 'check';
  facts: Facts;
  inputs: InputSummary[];
  /** Best first. */
  findings: Finding[];
  /** How many known issues were evaluated. */
  issuesChecked: number;
  /**
   * why: facts the text states that contradict the host kcompat ran on; the diagnosis decided
   * with the text's (it describes the machine where the error happened).
   */
  factConflicts?: FactConflict[];
  /**
   * check: issues no fact ruled out but some facts could not decide, with those facts (unknown,
   * or a BPF probe that was inconclusive).
   */
  undecided?: {
    id: string;
    title: string;
    unknownFacts: string[];
    /**
     * Set when the facts are known but only describe the privileges of the process that probed
     * (kcompat itself: its uid and capabilities), which say nothing of the programs the issue is
     * about: why this is a note and not a hazard.
     */
    note?: string;
  }[];
  /**
   * What --ignore (and the ignore file, the config file), --min-severity and --verdict left out
   * of `findings` (src/core/report-filter.ts); present only when one of them was given.
   */
  filtered?: FilterSummary;
}

/** Verdicts that mean "act on this": they set exit code 1 at warning severity or above. */
export const ACTIONABLE_VERDICTS: ReadonlySet<Verdict> = new Set([
  'confirmed',
  'likely',
  'at-risk',
]);

/** A finding to act on: confirmed, likely or at risk, at warning severity or above. */
export function isActionable(finding: Pick<Finding, 'verdict' | 'severity'>): boolean {
  return ACTIONABLE_VERDICTS.has(finding.verdict) && finding.severity !== 'info';
}

export function hasActionableFindings(report: Report): boolean {
  return report.findings.some(isActionable);
}
