// The report filters on literal findings and ignore files: expiry at the day's start (as trivy),
// the --fail-on order, and that no filter leaves the Report as it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FAIL_ON_ORDER,
  FilterValueError,
  filterFindings,
  filterReport,
  isExpired,
  parseIgnoreFile,
  parseVerdicts,
  shouldFail,
  verifierFinding,
  type FilterableFinding,
} from './report-filter.js';
import { VERDICTS, type Report } from './report.js';
import type { VerifierReport } from '../verifier/explain.js';

const findings: FilterableFinding[] = [
  { id: 'a', verdict: 'confirmed', severity: 'error' },
  { id: 'b', verdict: 'likely', severity: 'warning' },
  { id: 'c', verdict: 'at-risk', severity: 'info' },
  { id: 'd', verdict: 'ruled-out', severity: 'critical' },
];

test('an ignore file: ids, exp: dates, comments; a bad line names its file and line', () => {
  const entries = parseIgnoreFile(
    '# accepted risks\n\na\nb exp:2027-01-01   # until the fleet is upgraded\n  c\n',
    '.kcompatignore',
  );
  assert.deepEqual(entries, [
    { id: 'a', from: '.kcompatignore:3' },
    { id: 'b', from: '.kcompatignore:4', expires: '2027-01-01' },
    { id: 'c', from: '.kcompatignore:5' },
  ]);
  for (const [text, message] of [
    ['a\nb exp:2027-02-30\n', /^x:2: exp: "2027-02-30" is not a day of the calendar$/],
    ['a exp:tomorrow\n', /^x:1: exp: "tomorrow" is not a date/],
    ['a b\n', /^x:1: unexpected "b" after the id/],
    ['a exp:2027-01-01 exp:2028-01-01\n', /^x:1: unexpected "exp:2028-01-01"/],
    ['"a"\n', /^x:1: "\\"a\\"" is not a finding id/],
  ] as const)
    assert.throws(
      () => parseIgnoreFile(text, 'x'),
      (error: Error) => error instanceof FilterValueError && message.test(error.message),
    );
});

test('an entry expires at the start of its exp: day (UTC), as trivy', () => {
  const entry = { id: 'a', expires: '2027-01-01', from: 'x' };
  assert.equal(isExpired(entry, '2026-12-31'), false);
  assert.equal(isExpired(entry, '2027-01-01'), true);
  assert.equal(isExpired({ id: 'a', from: 'x' }, '2999-01-01'), false);
  const filtered = filterFindings(findings, { ignore: [entry] }, '2027-01-01');
  assert.deepEqual(filtered.expired, [entry]);
  assert.equal(filtered.kept.length, 4);
  assert.deepEqual(filterFindings(findings, { ignore: [entry] }, '2026-06-01').summary.ignored, [
    { id: 'a', by: 'x', expires: '2027-01-01' },
  ]);
});

test('min severity, verdicts and ignores: kept in order, the rest counted apart', () => {
  const { kept, summary } = filterFindings(
    findings,
    {
      minSeverity: 'warning',
      verdicts: ['confirmed', 'likely', 'ruled-out'],
      ignore: [{ id: 'b', from: '--ignore' }],
    },
    '2026-01-01',
  );
  assert.deepEqual(
    kept.map((finding) => finding.id),
    ['a', 'd'],
  );
  assert.deepEqual(summary, {
    ignored: [{ id: 'b', by: '--ignore' }],
    leftOut: 1,
    minSeverity: 'warning',
    verdicts: ['confirmed', 'likely', 'ruled-out'],
  });
  assert.deepEqual(parseVerdicts('confirmed, likely', '--verdict'), ['confirmed', 'likely']);
  assert.throws(() => parseVerdicts('confirmed,', '--verdict'), FilterValueError);
});

test('--fail-on reads VERDICTS in order; without it, the exit-code contract', () => {
  assert.deepEqual(FAIL_ON_ORDER, VERDICTS);
  assert.deepEqual(FAIL_ON_ORDER, ['confirmed', 'likely', 'at-risk', 'ruled-out', 'benign']);
  const only = (verdict: FilterableFinding['verdict'], severity: FilterableFinding['severity']) => [
    { id: 'x', verdict, severity },
  ];
  assert.equal(shouldFail(only('likely', 'error'), 'confirmed'), false);
  assert.equal(shouldFail(only('likely', 'error'), 'likely'), true);
  assert.equal(shouldFail(only('at-risk', 'info'), 'at-risk'), true);
  assert.equal(shouldFail(only('at-risk', 'info')), false);
  assert.equal(shouldFail(only('ruled-out', 'error')), false);
  assert.equal(shouldFail(only('benign', 'info'), 'benign'), true);
  assert.equal(shouldFail([], 'benign'), false);
});

test('no filter leaves a Report as it is; one sets filtered and drops ignored undecided issues', () => {
  const report = {
    findings: findings.map((finding) => ({ ...finding })),
    undecided: [{ id: 'e', title: 'E', unknownFacts: ['kernel.upstream'] }],
  } as unknown as Report;
  assert.equal(filterReport(report, { ignore: [] }, '2026-01-01').report, report);
  const { report: filtered } = filterReport(
    report,
    { ignore: [{ id: 'e', from: '--ignore' }] },
    '2026-01-01',
  );
  assert.deepEqual(filtered.undecided, []);
  assert.deepEqual(filtered.filtered, { ignored: [], leftOut: 0 });
  assert.equal(report.undecided?.length, 1);
});

test("a verifier log's result is one finding: rejected, cut, or none when accepted", () => {
  const log = (outcome: VerifierReport['outcome'], id?: string) =>
    ({ outcome, explanation: id ? { id } : null }) as VerifierReport;
  assert.deepEqual(verifierFinding(log('rejected', 'complexity-limit')), {
    id: 'complexity-limit',
    verdict: 'confirmed',
    severity: 'error',
  });
  assert.equal(verifierFinding(log('rejected'))?.id, 'verifier-rejected');
  assert.deepEqual(verifierFinding(log('unknown')), {
    id: 'verifier-log-cut',
    verdict: 'likely',
    severity: 'error',
  });
  assert.equal(verifierFinding(log('accepted')), undefined);
});
