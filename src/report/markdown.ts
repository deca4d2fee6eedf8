// Markdown output: for issue trackers and chat, the same content as the text format.
import { summariseVerifier } from './verifier.js';
import { compareText } from '../core/versions.js';
import type { Finding, Report } from '../core/report.js';
import { printableDeep } from './printable.js';
import {
  describeConflicts,
  describeInputList,
  describeInputs,
  describePlan,
  plural,
} from './inputs.js';
import { cell, fence } from './markdown-blocks.js';
import {
  describeOneRowFindings,
  describeUndecidedCount,
  describeUnknownFact,
  detailedFindings,
  summaryRows,
} from './summary.js';

export function formatMarkdown(
  shown: Report,
  { details = false }: { details?: boolean } = {},
): string {
  const report = printableDeep(shown);
  const out: string[] = [];
  out.push(
    `# kcompat ${report.command}: ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}`,
    '',
  );
  const plan = report.command === 'check' ? describePlan(report) : undefined;
  if (plan)
    out.push(
      `A plan for ${plan.plan}: checked against these versions ${plan.others === 0 ? 'alone' : `and ${plural(plan.others, 'other known fact')}`}.`,
      '',
    );
  if (report.inputs.length > 0) out.push(`Inputs: ${describeInputList(report.inputs)}`, '');
  // The summary first, as in the text format: one row per finding, best first.
  if (report.findings.length > 0) out.push(...formatSummary(report), '');
  const notes = [...describeInputs(report.inputs), ...describeConflicts(report)];
  for (const note of notes) out.push(`- ${note}`);
  if (notes.length > 0) out.push('');
  for (const sentence of [describeOneRowFindings(report, details), describeUndecidedCount(report)])
    if (sentence) out.push(sentence, '');
  for (const finding of detailedFindings(report, details)) out.push(...formatFinding(finding));
  if (report.findings.length === 0)
    out.push(`No known issue matched (${report.issuesChecked} checked).`, '');
  if (report.undecided && report.undecided.length > 0) {
    out.push(
      `## Could not decide ${plural(report.undecided.length, 'known issue')}`,
      '',
      'Inconclusive facts, not hazards.',
      '',
      '| known issue | why |',
      '| --- | --- |',
    );
    for (const entry of report.undecided)
      out.push(
        `| \`${entry.id}\` | ${cell(entry.note ?? entry.unknownFacts.map((key) => describeUnknownFact(key, report)).join('; '))} |`,
      );
    out.push('');
  }
  out.push('## Facts', '', '| fact | value | source |', '| --- | --- | --- |');
  for (const [key, fact] of Object.entries(report.facts).sort(([a], [b]) => compareText(a, b))) {
    out.push(
      'value' in fact
        ? `| \`${key}\` | ${cell(JSON.stringify(fact.value))} | ${cell(fact.source)} |`
        : `| \`${key}\` | unknown | ${cell(fact.unknown)} |`,
    );
  }
  return `${out.join('\n')}\n`;
}

function formatFinding(finding: Finding): string[] {
  const out = [
    `## ${finding.verdict.toUpperCase()}: ${finding.title}`,
    '',
    `\`${finding.id}\` · family \`${finding.family}\` · severity ${finding.severity}`,
    '',
  ];
  for (const match of finding.matches) {
    out.push(`${match.input}:${match.line}`, '', fence(match.text), '');
    const captures = Object.entries(match.captures);
    if (captures.length > 0)
      out.push(
        `Extracted: ${captures.map(([key, value]) => `\`${key}\`=${cell(shorten(value))}`).join(', ')}`,
        '',
      );
  }
  if (finding.occurrences > finding.matches.length || finding.firstSeen)
    out.push(
      `Occurrences: ${finding.occurrences}${finding.firstSeen ? ` (first ${finding.firstSeen}, last ${finding.lastSeen ?? finding.firstSeen})` : ''}`,
      '',
    );
  out.push(
    `**What happened.** ${finding.summary}`,
    '',
    `**Why.** ${finding.explanation.trim()}`,
    '',
  );
  out.push(`**Verdict.** ${finding.reasoning}`, '');
  if (finding.conditions.length > 0) {
    out.push('| condition | actual | result | source |', '| --- | --- | --- | --- |');
    for (const condition of finding.conditions) {
      out.push(
        `| ${cell(condition.expected)} | ${cell(condition.actual ?? 'unknown')} | ${condition.result} | ${cell(condition.source)} |`,
      );
    }
    out.push('');
  }
  if (finding.differential) {
    out.push(
      '**What it can be.**',
      '',
      '| cause | the facts | decide with |',
      '| --- | --- | --- |',
    );
    for (const cause of finding.differential)
      out.push(
        `| ${cell(cause.cause)}${cause.entry ? ` (\`${cause.entry}\`)` : ''} | ${cause.result} | \`${cell(cause.check)}\` |`,
      );
    out.push('');
  }
  if (finding.ruledOutHint) out.push(`**What else it can be.** ${finding.ruledOutHint.trim()}`, '');
  for (const hint of finding.realCauseHints ?? [])
    out.push(`- line ${hint.line}: \`${cell(hint.text)}\``);
  if (finding.verifier) out.push(`**Verifier log.** ${summariseVerifier(finding.verifier)}`, '');
  out.push(`**Fix.** ${finding.fix.trim()}`, '');
  if (finding.workarounds.length > 0) {
    out.push('**Workarounds.**', '');
    for (const workaround of finding.workarounds) {
      out.push(
        `- ${workaround.text.trim()}${workaround.cost ? ` (cost: ${workaround.cost})` : ''}${workaround.verified ? '' : ' *(not verified upstream)*'}`,
      );
    }
    out.push('');
  }
  if (finding.unverified.length > 0) {
    out.push(
      '**Not verified upstream.**',
      '',
      ...finding.unverified.map((claim) => `- ${claim}`),
      '',
    );
  }
  out.push(
    '**References.**',
    '',
    ...finding.references.map((ref) => `- <${ref.url}>${ref.title ? ` ${ref.title}` : ''}`),
    '',
  );
  return out;
}

function formatSummary(report: Report): string[] {
  const rows = summaryRows(report);
  const located = report.command === 'why';
  const out = located
    ? [
        '| verdict | severity | id | title | count | where |',
        '| --- | --- | --- | --- | --- | --- |',
      ]
    : ['| verdict | severity | id | title |', '| --- | --- | --- | --- |'];
  for (const row of rows) {
    const cells = [
      row.finding.verdict,
      row.finding.severity,
      `\`${row.finding.id}\``,
      cell(row.finding.title),
      ...(located ? [String(row.count ?? ''), cell(row.where ?? '')] : []),
    ];
    out.push(`| ${cells.join(' | ')} |`);
  }
  return out;
}

function shorten(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
