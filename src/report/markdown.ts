// Markdown output: for issue trackers and chat, the same content as the text format.
import { summariseVerifier } from './verifier.js';
import { compareText } from '../core/versions.js';
import type { Finding, Report } from '../core/report.js';

export function formatMarkdown(report: Report): string {
  const out: string[] = [];
  out.push(
    `# kcompat ${report.command}: ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}`,
    '',
  );
  if (report.inputs.length > 0) {
    out.push(
      `Inputs: ${report.inputs.map((input) => `\`${input.name}\` (${input.lines} lines)`).join(', ')}`,
      '',
    );
  }
  for (const finding of report.findings) out.push(...formatFinding(finding));
  if (report.findings.length === 0)
    out.push(`No known issue matched (${report.issuesChecked} checked).`, '');
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

/** A fenced code block that survives backticks inside the text. */
export function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((run) => run[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}\n${text}\n${ticks}`;
}

/** Text for a markdown table cell: a `|` would end the cell. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function shorten(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
