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
import { sortFacts } from './json.js';
import { summariseVerifier } from './verifier.js';

type Colors = ReturnType<typeof pc.createColors>;

const VERDICT_LABEL: Record<Verdict, string> = {
  confirmed: 'CONFIRMED',
  likely: 'LIKELY',
  'at-risk': 'AT RISK',
  'ruled-out': 'RULED OUT',
  benign: 'BENIGN',
};

export function formatText(shown: Report, { color = false }: { color?: boolean } = {}): string {
  const report = printableDeep(shown);
  const c = pc.createColors(color);
  const out: string[] = [];
  out.push(headline(report));
  out.push(...describeInputs(report.inputs).map((note) => `  ${c.yellow('note:')} ${note}`));
  out.push(...describeConflicts(report).map((note) => `  ${c.yellow('note:')} ${note}`));
  for (const finding of report.findings) {
    out.push('', ...formatFinding(finding, c));
  }
  if (report.findings.length === 0) out.push(nothingFound(report));
  if (report.undecided && report.undecided.length > 0) {
    out.push(
      '',
      c.bold(
        `Could not decide ${report.undecided.length} known issue(s); these facts are unknown:`,
      ),
    );
    for (const entry of report.undecided)
      out.push(`  ${entry.id}: ${entry.unknownFacts.join(', ')}`);
  }
  return `${out.join('\n')}\n`;
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
function verdictLabel(finding: Finding, c: Colors): string {
  if (finding.verdict === 'at-risk' && finding.severity === 'info') return c.cyan('INFO');
  return verdictColor(finding.verdict, c)(VERDICT_LABEL[finding.verdict]);
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

/** `kcompat probe`: one fact a line, with its source or why it is unknown. */
export function formatFactsText(facts: Facts): string {
  const entries = Object.entries(sortFacts(printableDeep(facts)));
  const width = Math.max(...entries.map(([key]) => key.length));
  return `${entries
    .map(([key, fact]) =>
      'value' in fact
        ? `${key.padEnd(width)}  ${typeof fact.value === 'string' ? fact.value : JSON.stringify(fact.value)}  (${fact.source})`
        : `${key.padEnd(width)}  unknown: ${fact.unknown}`,
    )
    .join('\n')}\n`;
}
