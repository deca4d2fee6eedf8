// The command's default text, as a person first sees it: `kcompat` (probe and check of this
// machine) and `kcompat why` on a log with many findings each start with a summary that fits one
// screen, one line per finding, before the detail of the findings to act on; -v / --details shows
// every finding; on a terminal the summary fits its columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadKnowledgeBase } from '../src/kb/load.js';
import { BIN, cliHarness } from './cli-harness.js';
import { requireCommand } from './require.js';
import { PLANNED, summaryLog } from './summary-fixture.js';

const { kcompat, json, scratch } = cliHarness('kcompat-summary-');
const log = join(scratch, 'node.log');
writeFileSync(log, summaryLog(loadKnowledgeBase()));
const WHY = ['why', '--no-probe', '--kernel', PLANNED.kernel, '--with', PLANNED.with, log];

const SCREEN_LINES = 24;
const DEFAULT_WIDTH = 100;

interface Finding {
  id: string;
  verdict: string;
  severity: string;
}

const actionable = (finding: Finding) =>
  ['confirmed', 'likely', 'at-risk'].includes(finding.verdict) && finding.severity !== 'info';

/** The summary (after the headline's blank line, up to the next blank) and the detailed ids. */
function layout(text: string) {
  const lines = text.split('\n');
  assert.equal(lines[1], '', text);
  const end = lines.indexOf('', 2);
  const firstDetail = lines.findIndex((line) => / · family /.test(line));
  return {
    summary: lines.slice(2, end),
    beforeDetails: firstDetail === -1 ? lines.length : firstDetail - 1,
    detailed: [...text.matchAll(/^ {2}(\S+) · family /gm)].map((match) => match[1]),
  };
}

function assertLayout(text: string, findings: Finding[], what: string): void {
  const { summary, beforeDetails, detailed } = layout(text);
  assert.equal(summary.length, findings.length, `${what}: one summary line per finding\n${text}`);
  findings.forEach((finding, index) =>
    assert.match(summary[index]!, new RegExp(`\\s${finding.id}(\\s|$)`), `${what}: best first`),
  );
  for (const line of summary) assert.ok(line.length <= DEFAULT_WIDTH, `${what}: ${line}`);
  assert.ok(beforeDetails <= SCREEN_LINES, `${what}: ${beforeDetails} lines before any detail`);
  assert.deepEqual(
    detailed,
    findings.filter(actionable).map((finding) => finding.id),
    `${what}: details only for the findings to act on`,
  );
}

test('kcompat (probe and check of this machine): the summary fits one screen before any detail', () => {
  const report = json(kcompat(['--format', 'json']));
  const run = kcompat([]);
  assert.ok(run.status === 0 || run.status === 1, run.stderr);
  if (report.findings.length === 0) assert.match(run.stdout, /No known issue applies/);
  else assertLayout(run.stdout, report.findings, 'kcompat');
});

test('kcompat why on a log with many findings: summary first; -v and --details show every finding', () => {
  const report = json(kcompat([...WHY, '--format', 'json']));
  assert.ok(report.findings.length >= 8, `${report.findings.length} findings`);
  const run = kcompat(WHY);
  assert.equal(run.status, 1, run.stderr);
  assertLayout(run.stdout, report.findings, 'why');
  assert.match(run.stdout, /--details\sshows\sthem\sin\sfull/);
  for (const flag of ['-v', '--details']) {
    const full = kcompat([...WHY, flag]);
    assert.equal(full.status, 1, full.stderr);
    const { summary, detailed } = layout(full.stdout);
    assert.deepEqual(summary, layout(run.stdout).summary, flag);
    assert.deepEqual(
      detailed,
      report.findings.map((finding: Finding) => finding.id),
      flag,
    );
  }
  // JSON is the same whether details are asked for or not.
  assert.deepEqual(json(kcompat([...WHY, '--format', 'json', '--details'])), report);
});

test('on a terminal, the summary fits its columns and the verdicts are coloured', (t) => {
  if (!requireCommand(t, 'script', ['--version'])) return;
  // script(1) gives the command a pseudo-terminal of the size stty sets.
  const command = `stty cols 64 rows 50; '${process.execPath}' '${BIN}' ${WHY.map((arg) => `'${arg}'`).join(' ')}`;
  const run = spawnSync('script', ['-qec', command, '/dev/null'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      NO_COLOR: '',
      KCOMPAT_KB: '',
      KCOMPAT_CACHE_DIR: join(scratch, 'cache'),
    },
  });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stdout, /\u001b\[/);
  const text = run.stdout.replace(/\r/g, '').replace(/\u001b\[[0-9;]*m/g, '');
  const { summary } = layout(text.slice(text.indexOf('kcompat why:')));
  assert.ok(summary.length >= 8);
  for (const line of summary) assert.ok(line.length <= 64, `${line.length}: ${line}`);
});
