// Text output for a terminal or a pipe. Colour is a parameter: the CLI turns it on only for a TTY.
import pc from 'picocolors';
import type { Facts } from '../core/facts.js';
import type { CheckedCondition, Finding, Report, Verdict } from '../core/report.js';
import {
  describeConflicts,
  describeInputList,
  describeInputs,
  describePlan,
  plural,
} from './inputs.js';
import { printableDeep } from './printable.js';
import {
  describeOneRowFindings,
  describeUndecidedCount,
  describeUnknownFact,
  detailedFindings,
  summaryRows,
} from './summary.js';
import { groupFacts } from './fact-sections.js';
import { summariseVerifier } from './verifier.js';

type Colors = ReturnType<typeof pc.createColors>;

const VERDICT_LABEL: Record<Verdict, string> = {
  confirmed: 'CONFIRMED',
  likely: 'LIKELY',
  'at-risk': 'AT RISK',
  'ruled-out': 'RULED OUT',
  benign: 'BENIGN',
};

export interface TextOptions {
  color?: boolean;
  /** Every finding in full; otherwise ruled-out, benign and information ones are one line. */
  details?: boolean;
  /** The width summary lines are fitted to (the terminal's columns; 100 in a pipe). */
  width?: number;
}

/** The width summary lines fit when the output is not a terminal. */
export const DEFAULT_WIDTH = 100;

export function formatText(
  shown: Report,
  { color = false, details = false, width = DEFAULT_WIDTH }: TextOptions = {},
): string {
  const report = printableDeep(shown);
  const c = pc.createColors(color);
  const out: string[] = [];
  out.push(headline(report));
  if (report.findings.length > 0) out.push('', ...formatSummary(report, c, width));
  const notes = [...describeInputs(report.inputs), ...describeConflicts(report)];
  const after = [describeOneRowFindings(report, details), describeUndecidedCount(report)];
  if (notes.length > 0 || after.some(Boolean)) out.push('');
  out.push(...notes.map((note) => `${c.yellow('note:')} ${note}`));
  for (const sentence of after) if (sentence) out.push(...wrapWords(sentence, width).map(c.dim));
  for (const finding of detailedFindings(report, details)) {
    out.push('', ...formatFinding(finding, c));
  }
  if (report.findings.length === 0) out.push(nothingFound(report));
  if (report.undecided && report.undecided.length > 0) {
    out.push(
      '',
      c.bold(
        `Could not decide ${plural(report.undecided.length, 'known issue')}: inconclusive facts, not hazards`,
      ),
    );
    for (const entry of report.undecided)
      out.push(
        ...wrapWords(describeUndecided(entry, report), width - 6).map(
          (line, index) => `${index === 0 ? '  ' : '      '}${line}`,
        ),
      );
  }
  return `${out.join('\n')}\n`;
}

/**
 * The summary: one line per finding, best first, in columns (verdict, severity, id, and for `why`
 * the count and where it first matched); the title comes last and gives way when the line would
 * be wider than the terminal.
 */
function formatSummary(report: Report, c: Colors, width: number): string[] {
  const rows = summaryRows(report);
  const located = rows.some((row) => row.where !== undefined);
  // Ids line up in a column, unless a long one would leave the titles no room.
  const idWidth = Math.min(
    Math.max(...rows.map((row) => row.finding.id.length)),
    Math.floor(width * 0.3),
  );
  const severityWidth = Math.max(...rows.map((row) => row.finding.severity.length));
  const counts = rows.map((row) => (row.count === undefined ? '' : `${row.count}×`));
  const countWidth = Math.max(...counts.map((count) => count.length));
  // Where it matched is cut on the left (the line number stays) so the title keeps some room.
  const fixed = LABEL_WIDTH + severityWidth + idWidth + countWidth + 4 * 2;
  const whereRoom = Math.max(MIN_WHERE, Math.min(MAX_WHERE, width - fixed - MIN_TITLE));
  const wheres = rows.map((row) => shortenLeft(row.where ?? '', whereRoom));
  const whereWidth = Math.max(...wheres.map((where) => where.length));
  return rows.map((row, index) => {
    const label = verdictText(row.finding).padEnd(LABEL_WIDTH);
    const middle = `  ${row.finding.severity.padEnd(severityWidth)}  ${row.finding.id.padEnd(idWidth)}  `;
    const location = located
      ? `${counts[index]!.padStart(countWidth)}  ${wheres[index]!.padEnd(whereWidth)}  `
      : '';
    const line = shorten(`${label}${middle}${location}${row.finding.title}`, width);
    // Colour the parts that survived the cut.
    const parts = [
      [label, (text: string) => verdictColorFor(row.finding, c)(text)],
      [middle, (text: string) => text],
      [location, c.dim],
    ] as const;
    let rest = line;
    let colored = '';
    for (const [part, paint] of parts) {
      const kept = rest.slice(0, part.length);
      colored += kept === '' ? '' : paint(kept);
      rest = rest.slice(kept.length);
    }
    return `${colored}${rest}`.trimEnd();
  });
}

/** A sentence cut at spaces into lines no wider than the width (a longer word stays whole). */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

/** The longest verdict label ("RULED OUT"). */
const LABEL_WIDTH = 9;
/** Where a finding matched: between these widths in the summary (the path cut on the left). */
const MIN_WHERE = 16;
const MAX_WHERE = 28;
/** The title room the location column gives way to. */
const MIN_TITLE = 28;

function shorten(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

function shortenLeft(text: string, width: number): string {
  return text.length <= width ? text : `…${text.slice(text.length - width + 1)}`;
}

/** An undecided issue: the note the core gives, or each fact that could not decide it and why. */
function describeUndecided(
  entry: NonNullable<Report['undecided']>[number],
  report: Report,
): string {
  return `${entry.id}: ${entry.note ?? entry.unknownFacts.map((key) => describeUnknownFact(key, report)).join('; ')}`;
}

function headline(report: Report): string {
  const count = report.findings.length;
  const what = count === 1 ? '1 finding' : `${count} findings`;
  if (report.command === 'check') {
    const plan = describePlan(report);
    if (plan)
      return `kcompat check: ${what} for a plan: ${plan.plan} (${report.issuesChecked} known issues checked against these versions ${plan.others === 0 ? 'alone' : `and ${plural(plan.others, 'other known fact')}`})`;
    return `kcompat check: ${what} (${report.issuesChecked} known issues checked against this host's facts)`;
  }
  return `kcompat why: ${what} in ${describeInputList(report.inputs)}`;
}

function nothingFound(report: Report): string {
  return report.command === 'check'
    ? `No known issue applies to these facts (${report.issuesChecked} checked; entries without version or fact conditions need error text: use kcompat why). ${factSummary(report)}`
    : `No known issue matches this text (${report.issuesChecked} checked). If it is an error kcompat should know, see CONTRIBUTING.md.`;
}

function factSummary(report: Report): string {
  const keys = Object.keys(report.facts);
  const knownCount = keys.filter((key) => 'value' in report.facts[key]!).length;
  return `${knownCount} of ${keys.length} facts known.`;
}

function verdictColor(verdict: Verdict, c: Colors): (text: string) => string {
  switch (verdict) {
    case 'confirmed':
      return (text) => c.bold(c.red(text));
    case 'likely':
    case 'at-risk':
      return (text) => c.bold(c.yellow(text));
    case 'ruled-out':
      return c.green;
    case 'benign':
      return c.cyan;
  }
}

/** An at-risk finding of severity info (a capability nothing here needs) reads as information. */
function verdictText(finding: Finding): string {
  return finding.verdict === 'at-risk' && finding.severity === 'info'
    ? 'INFO'
    : VERDICT_LABEL[finding.verdict];
}

function verdictColorFor(finding: Finding, c: Colors): (text: string) => string {
  return verdictText(finding) === 'INFO' ? c.cyan : verdictColor(finding.verdict, c);
}

function verdictLabel(finding: Finding, c: Colors): string {
  return verdictColorFor(finding, c)(verdictText(finding));
}

function formatFinding(finding: Finding, c: Colors): string[] {
  const out: string[] = [];
  out.push(
    `${verdictLabel(finding, c)}  ${c.bold(finding.title)}`,
    `  ${c.dim(`${finding.id} · family ${finding.family}${finding.layer === 'general' ? ' (the mechanism)' : ''} · severity ${finding.severity}`)}`,
  );
  for (const match of finding.matches) {
    out.push(
      `  ${c.dim(`${match.input === '-' ? 'stdin' : match.input}:${match.line}`)}  ${indentRest(match.text, 4)}`,
    );
    const captures = Object.entries(match.captures).filter(([, value]) => value.length <= 120);
    if (captures.length > 0) {
      out.push(
        `    ${c.dim('extracted:')} ${captures.map(([key, value]) => `${key}=${value}`).join('  ')}`,
      );
    }
  }
  const seen = finding.firstSeen
    ? `, first ${finding.firstSeen}${finding.lastSeen && finding.lastSeen !== finding.firstSeen ? `, last ${finding.lastSeen}` : ''}`
    : '';
  if (finding.occurrences > finding.matches.length || seen) {
    out.push(
      `  ${c.dim(`(${finding.occurrences} occurrence${finding.occurrences === 1 ? '' : 's'}, ${finding.matches.length} shown${seen})`)}`,
    );
  }
  out.push('', `  ${c.bold('What happened:')} ${finding.summary}`);
  out.push(`  ${c.bold('Why:')} ${wrapParagraph(finding.explanation, 4)}`);
  out.push(`  ${c.bold('Verdict:')} ${wrapParagraph(finding.reasoning, 4)}`);
  for (const condition of finding.conditions) out.push(`    ${formatCondition(condition, c)}`);
  if (finding.differential) {
    out.push(`  ${c.bold('What it can be:')}`);
    for (const cause of finding.differential) {
      const mark = triMark(
        cause.result === 'fits' ? 'hit' : cause.result === 'excluded' ? 'miss' : 'open',
        ['✓ fits     ', '✗ excluded ', '? undecided'],
        c,
      );
      out.push(
        `    ${mark} ${cause.cause}${cause.entry ? c.dim(` (${cause.entry})`) : ''}`,
        `                decide with: ${cause.check}`,
      );
      for (const condition of cause.conditions)
        if (condition.result !== 'unknown')
          out.push(`                ${formatCondition(condition, c)}`);
    }
  }
  if (finding.ruledOutHint)
    out.push(`  ${c.bold('What else it can be:')} ${wrapParagraph(finding.ruledOutHint, 4)}`);
  for (const hint of finding.realCauseHints ?? []) {
    out.push(`    ${c.dim(`line ${hint.line}:`)} ${hint.text}`);
  }
  const fixed = finding.conditions.filter((condition) => condition.fixed);
  if (fixed.length > 0) {
    out.push(
      `  ${c.bold('Affected / fixed:')} ${fixed.map((condition) => `${condition.expected} (fixed: ${condition.fixed})`).join('; ')}`,
    );
  }
  if (finding.verifier)
    out.push(
      `  ${c.bold('Verifier log:')} ${wrapParagraph(summariseVerifier(finding.verifier), 4)}`,
    );
  out.push(`  ${c.bold('Fix:')} ${wrapParagraph(finding.fix, 4)}`);
  if (finding.workarounds.length > 0) {
    out.push(`  ${c.bold('Workarounds:')}`);
    for (const workaround of finding.workarounds) {
      const cost = workaround.cost ? ` ${c.dim(`(cost: ${workaround.cost})`)}` : '';
      const unverified = workaround.verified ? '' : ` ${c.yellow('[not verified upstream]')}`;
      out.push(`    - ${workaround.text.trim()}${cost}${unverified}`);
    }
  }
  if (finding.unverified.length > 0) {
    out.push(`  ${c.bold('Not verified upstream:')}`);
    for (const claim of finding.unverified) out.push(`    - ${claim}`);
  }
  out.push(`  ${c.bold('References:')}`);
  for (const reference of finding.references) {
    out.push(`    - ${reference.url}${reference.title ? ` ${c.dim(reference.title)}` : ''}`);
  }
  if (finding.related.length > 0) out.push(`  ${c.dim(`Related: ${finding.related.join(', ')}`)}`);
  return out;
}

function formatCondition(condition: CheckedCondition, c: Colors): string {
  const mark = triMark(
    condition.result === 'true' ? 'hit' : condition.result === 'false' ? 'miss' : 'open',
    ['✓ in range ', '✗ outside  ', '? unknown  '],
    c,
  );
  return `${mark} ${condition.expected}: ${condition.reason}`;
}

/** A condition's or a cause's mark: red where it points at the problem, green where it rules out. */
function triMark(
  state: 'hit' | 'miss' | 'open',
  [hit, miss, open]: readonly [string, string, string],
  c: Colors,
): string {
  return state === 'hit' ? c.red(hit) : state === 'miss' ? c.green(miss) : c.yellow(open);
}

function indentRest(text: string, spaces: number): string {
  return text.split('\n').join(`\n${' '.repeat(spaces)}`);
}

function wrapParagraph(text: string, indent: number): string {
  return indentRest(text.trim(), indent);
}

/**
 * `kcompat probe`: the facts by section (the kernel and the runtimes first), one fact a line, with
 * its source or why it is unknown.
 */
export function formatFactsText(facts: Facts): string {
  const shown = printableDeep(facts);
  const out: string[] = [];
  for (const { section, keys } of groupFacts(shown)) {
    // Values line up among keys of one depth: kernel.config.* does not push kernel.release's.
    const depth = (key: string) => key.split('.').length;
    const widths = new Map<number, number>();
    for (const key of keys)
      widths.set(depth(key), Math.max(widths.get(depth(key)) ?? 0, key.length));
    if (out.length > 0) out.push('');
    out.push(`${section} (${plural(keys.length, 'fact')})`);
    for (const key of keys) {
      const fact = shown[key]!;
      out.push(
        'value' in fact
          ? `  ${key.padEnd(widths.get(depth(key))!)}  ${typeof fact.value === 'string' ? fact.value : JSON.stringify(fact.value)}  (${fact.source})`
          : `  ${key.padEnd(widths.get(depth(key))!)}  unknown: ${fact.unknown}`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}
