// The report options why, check and verifier share: --min-severity, --verdict, the ignore list
// of accepted risks (--ignore, an ignore file, the config file) and --fail-on. One pure function
// filters a Report before any formatter sees it; an ignore entry's expiry is compared with the
// day the caller gives, so a test decides the date.
import { SEVERITIES, type Severity } from '../kb/severity.js';
import type { FilterSummary, FilterVerdict, IgnoredFinding } from './filter-summary.js';
import { isActionable, VERDICTS, type Report, type Verdict } from './report.js';
import type { VerifierReport } from '../verifier/explain.js';

// filter-summary.ts spells the verdicts out (it imports nothing); they must be these.
const sameVerdicts: [FilterVerdict, Verdict] extends [Verdict, FilterVerdict] ? true : never = true;
void sameVerdicts;

/** One accepted risk: a finding id, until an expiry date (YYYY-MM-DD) when one is given. */
export interface IgnoreEntry {
  id: string;
  expires?: string;
  /** Where it was given: "--ignore", "<file>:<line>", "<config file>". */
  from: string;
}

export interface ReportFilter {
  /** Findings below this severity are left out. */
  minSeverity?: Severity;
  /** Only findings with one of these verdicts are kept. */
  verdicts?: readonly Verdict[];
  ignore: readonly IgnoreEntry[];
}

/** What a filter needs of a finding; a verifier log's result is one (verifierFinding). */
export interface FilterableFinding {
  id: string;
  verdict: Verdict;
  severity: Severity;
}

/**
 * The order --fail-on reads, most serious first: VERDICTS as report.ts ranks them, confirmed >
 * likely > at-risk > ruled-out > benign. `--fail-on likely` fails on confirmed and likely
 * findings; `--fail-on at-risk` also on check's at-risk ones.
 */
export const FAIL_ON_ORDER: readonly Verdict[] = VERDICTS;

/** A value an option or the config file gave that is not one of its choices. */
export class FilterValueError extends Error {}

export function parseSeverity(text: string, where: string): Severity {
  const value = text.trim().toLowerCase();
  if ((SEVERITIES as readonly string[]).includes(value)) return value as Severity;
  throw new FilterValueError(
    `${where} ${JSON.stringify(text)}: not a severity; the severities are ${SEVERITIES.join(', ')} (least to most severe)`,
  );
}

export function parseVerdict(text: string, where: string): Verdict {
  const value = text.trim().toLowerCase();
  if ((VERDICTS as readonly string[]).includes(value)) return value as Verdict;
  throw new FilterValueError(
    `${where} ${JSON.stringify(text)}: not a verdict; the verdicts are ${VERDICTS.join(', ')}`,
  );
}

/** `--verdict confirmed,likely`: one or more verdicts, separated by commas. */
export function parseVerdicts(text: string, where: string): Verdict[] {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.some((part) => part === ''))
    throw new FilterValueError(
      `${where} ${JSON.stringify(text)}: give verdicts separated by commas, e.g. confirmed,likely`,
    );
  return parts.map((part) => parseVerdict(part, where));
}

/** An id as knowledge-base entries and verifier messages spell them (kebab-case). */
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date written YYYY-MM-DD, or a problem in words. */
export function dateProblem(text: string): string | undefined {
  const match = DATE.exec(text);
  if (!match) return `${JSON.stringify(text)} is not a date written YYYY-MM-DD`;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  )
    return `${JSON.stringify(text)} is not a day of the calendar`;
  return undefined;
}

/**
 * One ignore entry written as trivy's .trivyignore writes it: the id, then optionally
 * `exp:YYYY-MM-DD`, then optionally a `#` comment. Throws FilterValueError (`where: problem`).
 */
export function parseIgnoreEntry(text: string, where: string): IgnoreEntry | undefined {
  const content = text.replace(/(^|\s)#.*$/, '').trim();
  if (content === '') return undefined;
  const [id, ...rest] = content.split(/\s+/);
  if (!ID.test(id!))
    throw new FilterValueError(
      `${where}: ${JSON.stringify(id)} is not a finding id (kcompat kb list shows them)`,
    );
  const entry: IgnoreEntry = { id: id!, from: where };
  for (const word of rest) {
    if (!word.startsWith('exp:') || entry.expires !== undefined)
      throw new FilterValueError(
        `${where}: unexpected ${JSON.stringify(word)} after the id; write ID or ID exp:YYYY-MM-DD`,
      );
    const problem = dateProblem(word.slice(4));
    if (problem) throw new FilterValueError(`${where}: exp: ${problem}`);
    entry.expires = word.slice(4);
  }
  return entry;
}

/** An ignore file: one entry a line, `#` comments, blank lines. Throws on the first bad line. */
export function parseIgnoreFile(text: string, name: string): IgnoreEntry[] {
  const entries: IgnoreEntry[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const entry = parseIgnoreEntry(line, `${name}:${index + 1}`);
    if (entry) entries.push(entry);
  });
  return entries;
}

/**
 * Expired on `today` (YYYY-MM-DD, UTC): as trivy, `exp:2027-01-01` ignores until the end of
 * 2026-12-31 and no longer on 2027-01-01.
 */
export function isExpired(entry: IgnoreEntry, today: string): boolean {
  return entry.expires !== undefined && entry.expires <= today;
}

/** Today as YYYY-MM-DD in UTC, the calendar expiry dates are read in. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function filterIsEmpty(filter: ReportFilter): boolean {
  return (
    filter.minSeverity === undefined && filter.verdicts === undefined && filter.ignore.length === 0
  );
}

/** The ignore entries in force on `today`, by finding id (the first entry for an id wins). */
function activeIgnores(filter: ReportFilter, today: string): Map<string, IgnoreEntry> {
  const active = new Map<string, IgnoreEntry>();
  for (const entry of filter.ignore)
    if (!isExpired(entry, today) && !active.has(entry.id)) active.set(entry.id, entry);
  return active;
}

export interface FilteredFindings<F> {
  kept: F[];
  summary: FilterSummary;
  /** Entries past their expiry: they ignored nothing, and the user should hear of them. */
  expired: IgnoreEntry[];
}

/** The findings the filter keeps, in their order, and what it left out. */
export function filterFindings<F extends FilterableFinding>(
  findings: readonly F[],
  filter: ReportFilter,
  today: string,
): FilteredFindings<F> {
  const expired = filter.ignore.filter((entry) => isExpired(entry, today));
  const active = activeIgnores(filter, today);
  const floor = filter.minSeverity ? SEVERITIES.indexOf(filter.minSeverity) : 0;
  const kept: F[] = [];
  const ignored: IgnoredFinding[] = [];
  let leftOut = 0;
  for (const finding of findings) {
    const entry = active.get(finding.id);
    if (entry) {
      ignored.push({
        id: finding.id,
        by: entry.from,
        ...(entry.expires ? { expires: entry.expires } : {}),
      });
    } else if (
      SEVERITIES.indexOf(finding.severity) < floor ||
      (filter.verdicts !== undefined && !filter.verdicts.includes(finding.verdict))
    ) {
      leftOut++;
    } else kept.push(finding);
  }
  const summary: FilterSummary = {
    ignored,
    leftOut,
    ...(filter.minSeverity ? { minSeverity: filter.minSeverity } : {}),
    ...(filter.verdicts ? { verdicts: [...filter.verdicts] } : {}),
  };
  return { kept, summary, expired };
}

/**
 * The Report the formatters print: its findings filtered, and `filtered` saying what was left
 * out. With no filter the Report is returned as it is. check's undecided issues that an entry
 * ignores are left out too (they have no verdict or severity to filter by).
 */
export function filterReport(
  report: Report,
  filter: ReportFilter,
  today: string,
): { report: Report; expired: IgnoreEntry[] } {
  if (filterIsEmpty(filter)) return { report, expired: [] };
  const { kept, summary, expired } = filterFindings(report.findings, filter, today);
  const ignoredIds = activeIgnores(filter, today);
  const filtered: Report = { ...report, findings: kept, filtered: summary };
  if (report.undecided)
    filtered.undecided = report.undecided.filter((issue) => !ignoredIds.has(issue.id));
  return { report: filtered, expired };
}

/**
 * A verifier log's result as the one finding the filters read: the catalogue message's id (or
 * `verifier-rejected` for a message the catalogue lacks, `verifier-log-cut` for a log that ends
 * before it says), `confirmed` when the verifier rejected the program, `likely` when the log is
 * cut before it says, severity error. An accepted program is no finding.
 */
export function verifierFinding(report: VerifierReport): FilterableFinding | undefined {
  if (report.outcome === 'accepted') return undefined;
  if (report.outcome === 'unknown')
    return {
      id: report.explanation?.id ?? 'verifier-log-cut',
      verdict: 'likely',
      severity: 'error',
    };
  return {
    id: report.explanation?.id ?? 'verifier-rejected',
    verdict: 'confirmed',
    severity: 'error',
  };
}

/** The same filter on a verifier report: the explanation stays, `filtered` says what was left out. */
export function filterVerifierReport(
  report: VerifierReport,
  filter: ReportFilter,
  today: string,
): { report: VerifierReport; findings: FilterableFinding[]; expired: IgnoreEntry[] } {
  const finding = verifierFinding(report);
  const all = finding ? [finding] : [];
  if (filterIsEmpty(filter)) return { report, findings: all, expired: [] };
  const { kept, summary, expired } = filterFindings(all, filter, today);
  return { report: { ...report, filtered: summary }, findings: kept, expired };
}

/**
 * Exit code 1 or 0 for the findings left after the filters. With --fail-on V: 1 when one has
 * a verdict at or above V in FAIL_ON_ORDER, whatever its severity (--min-severity sets that).
 * Without: the contract of every command, an actionable verdict at warning or above.
 */
export function shouldFail(findings: readonly FilterableFinding[], failOn?: Verdict): boolean {
  if (failOn === undefined) return findings.some(isActionable);
  const limit = FAIL_ON_ORDER.indexOf(failOn);
  return findings.some((finding) => FAIL_ON_ORDER.indexOf(finding.verdict) <= limit);
}
