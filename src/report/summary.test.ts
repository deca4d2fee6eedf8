// The layout of the text and markdown reports: a summary first (one line per finding, best first),
// then the detail of the findings to act on; --details shows every finding. Pinned on a log built
// from the knowledge base's own examples (test/summary-fixture.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadKnowledgeBase } from '../kb/load.js';
import { diagnose } from '../core/diagnose.js';
import { componentFact, kernelFacts, mergeFacts } from '../core/facts.js';
import { isActionable, type Finding, type Report } from '../core/report.js';
import { formatText } from './text.js';
import { formatMarkdown } from './markdown.js';
import { PLANNED, summaryLog } from '../../test/summary-fixture.js';

const kb = loadKnowledgeBase();

const report = diagnose([{ name: 'node.log', text: summaryLog(kb) }], {}, kb, {
  explicitFacts: mergeFacts(
    kernelFacts(PLANNED.kernel, '--kernel'),
    componentFact(PLANNED.with, '--with'),
  ),
});

/** A terminal screen: the summary must fit in it before any detail. */
const SCREEN_LINES = 24;
const VERDICT_WORD: Record<string, string> = {
  confirmed: 'CONFIRMED',
  likely: 'LIKELY',
  'at-risk': 'AT RISK',
  'ruled-out': 'RULED OUT',
  benign: 'BENIGN',
};

const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

/** The lines of the summary block: after the headline's blank line, up to the next blank. */
function summaryBlock(lines: readonly string[]): string[] {
  assert.equal(lines[1], '', 'a blank line after the headline');
  const end = lines.indexOf('', 2);
  return lines.slice(2, end === -1 ? undefined : end);
}

/** The ids of the findings with a detail block (its second line: "  id · family ..."), in order. */
function detailIds(text: string): string[] {
  return [...text.matchAll(/^ {2}(\S+) · family /gm)].map((match) => match[1]!);
}

function firstDetailLine(lines: readonly string[]): number {
  const index = lines.findIndex((line) => / · family /.test(line));
  return index === -1 ? lines.length : index - 1;
}

test('the fixture log holds every kind of finding the layout distinguishes', () => {
  const verdicts = new Set(report.findings.map((finding) => finding.verdict));
  assert.ok(report.findings.length >= 8, `${report.findings.length} findings`);
  for (const verdict of ['confirmed', 'likely', 'ruled-out', 'benign'])
    assert.ok(verdicts.has(verdict as Finding['verdict']), verdict);
});

test('text: the summary comes first, one line per finding in the report order, within a screen', () => {
  const text = formatText(report);
  const lines = text.split('\n');
  assert.match(lines[0]!, /^kcompat why: \d+ findings in node\.log/);
  const summary = summaryBlock(lines);
  assert.equal(summary.length, report.findings.length);
  report.findings.forEach((finding, index) => {
    const line = summary[index]!;
    assert.ok(line.startsWith(VERDICT_WORD[finding.verdict]!), line);
    assert.match(line, new RegExp(`\\s${finding.severity}\\s+${finding.id}\\s`));
    assert.ok(line.includes(`${finding.occurrences}×`), line);
    assert.ok(line.includes(`node.log:${finding.matches[0]!.line}`), line);
    assert.ok(line.length <= 100, `${line.length} columns: ${line}`);
  });
  // Everything before the first detail block fits one screen.
  assert.ok(firstDetailLine(lines) <= SCREEN_LINES, text);
  assert.ok(firstDetailLine(lines) > summary.length + 1);
});

test('text: details only for the findings to act on, in the report order; --details shows all', () => {
  const actionable = report.findings.filter(isActionable).map((finding) => finding.id);
  assert.ok(actionable.length > 0 && actionable.length < report.findings.length);
  const text = formatText(report);
  assert.deepEqual(detailIds(text), actionable);
  const hidden = report.findings.length - actionable.length;
  assert.match(text, new RegExp(`${hidden} findings \\([a-z, -]+\\) are one line above`));

  const full = formatText(report, { details: true });
  assert.deepEqual(
    detailIds(full),
    report.findings.map((finding) => finding.id),
  );
  // The summary still comes first, and nothing says findings were left out.
  assert.deepEqual(summaryBlock(full.split('\n')), summaryBlock(text.split('\n')));
  assert.doesNotMatch(full, /one line above/);
});

test('text: summary lines fit the width they are given; colour changes nothing else', () => {
  for (const width of [40, 60, 80, 132]) {
    const summary = summaryBlock(formatText(report, { width }).split('\n'));
    assert.equal(summary.length, report.findings.length, `width ${width}`);
    for (const line of summary) assert.ok(line.length <= width, `width ${width}: ${line}`);
  }
  // Wide enough, nothing is cut: every title is there whole.
  const wide = summaryBlock(formatText(report, { width: 250 }).split('\n'));
  report.findings.forEach((finding, index) => assert.ok(wide[index]!.endsWith(finding.title)));
  const colored = formatText(report, { color: true });
  assert.match(colored, /\u001b\[/);
  assert.equal(stripAnsi(colored), formatText(report));
});

test('markdown: the summary table first, then the details of the findings to act on', () => {
  const markdown = formatMarkdown(report);
  const rows = markdown
    .split('\n')
    .filter((line) => /^\| (confirmed|likely|ruled-out|benign) /.test(line));
  assert.deepEqual(
    rows.map((row) => row.split(' | ')[2]),
    report.findings.map((finding) => `\`${finding.id}\``),
  );
  const firstDetail = markdown.search(/^## /m);
  assert.ok(markdown.indexOf(rows.at(-1)!) < firstDetail);
  const headings = (text: string) =>
    [...text.matchAll(/^## ([A-Z -]+): (.+)$/gm)].map((match) => match[2]);
  assert.deepEqual(
    headings(markdown),
    report.findings.filter(isActionable).map((finding) => finding.title),
  );
  assert.deepEqual(
    headings(formatMarkdown(report, { details: true })),
    report.findings.map((finding) => finding.title),
  );
});

test('check: at-risk information findings are one line, and undecided issues say why', () => {
  const checked: Report = {
    ...report,
    command: 'check',
    inputs: [],
    findings: report.findings.map((finding, index) => ({
      ...finding,
      verdict: 'at-risk',
      severity: index === 0 ? 'info' : finding.severity,
      matches: [],
      occurrences: 0,
    })),
    undecided: [
      { id: 'needs-lockdown', title: 'x', unknownFacts: ['kernel.lockdown'] },
      { id: 'own-caps', title: 'y', unknownFacts: ['process.capabilities'], note: 'kcompat own' },
    ],
    facts: { 'kernel.lockdown': { unknown: 'securityfs is not mounted' } },
  };
  const text = formatText(checked);
  const summary = summaryBlock(text.split('\n'));
  assert.equal(summary.length, checked.findings.length);
  assert.ok(summary[0]!.startsWith('INFO'));
  assert.doesNotMatch(summary[0]!, /×/);
  assert.ok(!detailIds(text).includes(checked.findings[0]!.id));
  assert.match(text, /2 known issues could not be decided/);
  assert.match(
    text,
    /^ {2}needs-lockdown: kernel\.lockdown \(unknown: securityfs is not mounted\)$/m,
  );
  assert.match(text, /^ {2}own-caps: kcompat own$/m);
  assert.match(formatMarkdown(checked), /^\| `own-caps` \| kcompat own \|$/m);
});
