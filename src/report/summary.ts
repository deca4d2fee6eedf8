// The summary the text and markdown formats start with: one row per finding, best first (the
// Report's order), and which findings then get a detail block. Findings to act on (confirmed,
// likely or at risk, at warning or above) are detailed; ruled-out, benign and information
// findings are one row each unless every finding is asked for (--details).
import { isActionable, type Finding, type Report } from '../core/report.js';
import { basename } from 'node:path';
import { plural } from './inputs.js';

export interface SummaryRow {
  finding: Finding;
  /** How many times its signatures matched (why only). */
  count?: number;
  /** Where it first matched, input:line (why only). */
  where?: string;
}

export function summaryRows(report: Report): SummaryRow[] {
  const names = shortInputNames(report);
  return report.findings.map((finding) => {
    const first = finding.matches[0];
    if (report.command !== 'why' || !first) return { finding };
    return {
      finding,
      count: finding.occurrences,
      where: `${names.get(first.input) ?? first.input}:${first.line}`,
    };
  });
}

/**
 * Each input by its file name alone when no two inputs share one (the headline gives the paths),
 * by its path otherwise; standard input as "stdin".
 */
function shortInputNames(report: Report): Map<string, string> {
  const base = (name: string) => (name === '-' ? 'stdin' : basename(name));
  const bases = report.inputs.map((input) => base(input.name));
  const unique = new Set(bases).size === bases.length;
  return new Map(
    report.inputs.map((input) => [
      input.name,
      unique ? base(input.name) : input.name === '-' ? 'stdin' : input.name,
    ]),
  );
}

/** The findings that get a detail block: those to act on, or all of them with --details. */
export function detailedFindings(report: Report, details: boolean): Finding[] {
  return details ? report.findings : report.findings.filter(isActionable);
}

/**
 * One sentence after the summary rows: how many findings are detailed below, and how many are
 * one row only, or undefined when every finding is detailed.
 */
export function describeOneRowFindings(report: Report, details: boolean): string | undefined {
  const detailed = detailedFindings(report, details).length;
  const rowOnly = report.findings.length - detailed;
  if (rowOnly === 0) return undefined;
  const kinds = [
    ...new Set(
      report.findings
        .filter((finding) => !isActionable(finding))
        .map((finding) =>
          finding.verdict === 'ruled-out' || finding.verdict === 'benign'
            ? finding.verdict
            : 'information',
        ),
    ),
  ].join(', ');
  const lead =
    detailed === 0 ? 'Nothing here needs action' : `Details follow for the ${detailed} to act on`;
  return `${lead}; ${plural(rowOnly, 'finding')} (${kinds}) ${rowOnly === 1 ? 'is' : 'are'} one line above: --details shows ${rowOnly === 1 ? 'it' : 'them'} in full.`;
}

/** The sentence `check` adds to its summary when some known issues could not be decided. */
export function describeUndecidedCount(report: Report): string | undefined {
  const count = report.undecided?.length ?? 0;
  if (count === 0) return undefined;
  return `${plural(count, 'known issue')} could not be decided (facts unknown, inconclusive or only about kcompat's own process): listed at the end.`;
}

/** An unknown fact of an undecided issue and why: its reason, or the inconclusive probe's. */
export function describeUnknownFact(key: string, report: Report): string {
  const fact = report.facts[key];
  if (fact === undefined) return `${key} (not known)`;
  if ('unknown' in fact) return `${key} (unknown: ${fact.unknown})`;
  if (fact.value === 'inconclusive') return `${key} (inconclusive: ${fact.source})`;
  return key;
}
