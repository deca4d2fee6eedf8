import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryYaml, kbFromYaml } from '../../test/kb-fixtures.js';
import { check, diagnose } from './diagnose.js';
import { componentFact, kernelFacts, mergeFacts, type Facts } from './facts.js';
import { hasActionableFindings } from './report.js';

const versioned = entryYaml(
  'versioned',
  'widget failed: {errno:ENOSPC}',
  `conditions:
  - component: widget
    affected: '>=1.14.0 <1.14.1'
    fixed: 1.14.1
    source: https://example.org/fix
  - kernel: '<5.11'
    source: https://example.org/kernel
ruledOutHint: something else fills the disk
`,
  10,
);
const general = entryYaml('general', '{errno:ENOSPC}');
const harmless = entryYaml('harmless', 'optional probe failed', 'benign: true\n');

const kb = kbFromYaml(versioned, general, harmless);
const text = 'widget failed: No space left on device';
const run = (facts = {}, input = text) => diagnose([{ name: 'log', text: input }], facts, kb);

test('no facts: likely, with each unknown condition and its reason', () => {
  const report = run();
  const finding = report.findings.find((f) => f.id === 'versioned')!;
  assert.equal(finding.verdict, 'likely');
  assert.deepEqual(
    finding.conditions.map((c) => c.result),
    ['unknown', 'unknown'],
  );
  assert.match(finding.conditions[0]!.reason, /--with widget@VERSION/);
  assert.equal(finding.matches[0]!.captures.errno, 'ENOSPC');
});

test('facts in range: confirmed, and ranked above the general entry', () => {
  const facts = mergeFacts(
    componentFact('widget@1.14.0', '--with'),
    kernelFacts('5.10.0-26-amd64', '--kernel'),
  );
  const report = run(facts);
  assert.equal(report.findings[0]!.verdict, 'confirmed');
  assert.deepEqual(report.findings.map((f) => f.id).slice(0, 2), ['versioned', 'general']);
  assert.deepEqual(
    report.findings[0]!.conditions.map((c) => c.result),
    ['true', 'true'],
  );
});

test('a fixed version rules the entry out and says what else it can be', () => {
  const report = run(componentFact('widget@1.14.1', '--with'));
  const finding = report.findings.find((f) => f.id === 'versioned')!;
  assert.equal(finding.verdict, 'ruled-out');
  assert.equal(finding.ruledOutHint, 'something else fills the disk');
  assert.match(finding.reasoning, /fixed in 1\.14\.1/);
  // A ruled-out finding ranks below a likely one.
  assert.equal(report.findings[0]!.id, 'general');
});

test('a kernel outside the range rules it out too', () => {
  const facts = mergeFacts(
    componentFact('widget@1.14.0', '--with'),
    kernelFacts('6.1.0-13-amd64', '--kernel'),
  );
  assert.equal(run(facts).findings.find((f) => f.id === 'versioned')!.verdict, 'ruled-out');
});

test('with no facts, the higher-priority (more specific) entry ranks first', () => {
  assert.deepEqual(
    run().findings.map((f) => f.id),
    ['versioned', 'general'],
  );
  const unprioritised = kbFromYaml(
    entryYaml('versioned', 'widget failed: {errno:ENOSPC}'),
    general,
  );
  const ids = diagnose([{ name: 'log', text }], {}, unprioritised).findings.map((f) => f.id);
  assert.equal(ids.length, 2);
});

test('a benign line never outranks a real error and points at the real cause', () => {
  const log =
    'optional probe failed\nsomething unrelated\nfatal: widget failed: No space left on device\n';
  const report = run({}, log);
  assert.equal(report.findings.at(-1)!.id, 'harmless');
  const benign = report.findings.at(-1)!;
  assert.equal(benign.verdict, 'benign');
  assert.match(benign.reasoning, /versioned/);
  assert.equal(benign.realCauseHints![0]!.line, 3);
});

test('a benign line alone: not actionable, and the next error line is pointed at', () => {
  const report = run(
    {},
    'optional probe failed\nlibfoo: map "rb": failed to create: Invalid argument\n',
  );
  assert.deepEqual(
    report.findings.map((f) => f.id),
    ['harmless'],
  );
  assert.equal(hasActionableFindings(report), false);
  assert.match(report.findings[0]!.reasoning, /line 2/);
});

test('occurrences are counted; the first matches and the last one are kept', () => {
  const report = diagnose([{ name: 'log', text: `${text}\n`.repeat(50) }], {}, kb, {
    maxMatchesPerFinding: 3,
  });
  const finding = report.findings.find((f) => f.id === 'versioned')!;
  assert.equal(finding.occurrences, 50);
  assert.deepEqual(
    finding.matches.map((match) => match.line),
    [1, 2, 50],
  );
});

test('check: at-risk only when every condition holds', () => {
  const inRange = mergeFacts(
    componentFact('widget@1.14.0', '--with'),
    kernelFacts('5.10.0-26-amd64', '--kernel'),
  );
  assert.deepEqual(
    check(inRange, kb).findings.map((f) => [f.id, f.verdict]),
    [['versioned', 'at-risk']],
  );
  assert.equal(check(componentFact('widget@1.14.0', '--with'), kb).findings.length, 0);
  assert.equal(check({}, kb).findings.length, 0);
});

test('backport-heavy kernels make kernel ranges unknown', () => {
  const facts = mergeFacts(
    componentFact('widget@1.14.0', '--with'),
    kernelFacts('4.18.0-513.el8.x86_64', '--kernel'),
  );
  const finding = run(facts).findings.find((f) => f.id === 'versioned')!;
  assert.equal(finding.verdict, 'likely');
  assert.match(finding.conditions[1]!.reason, /backports/);
});

test('a backport-heavy kernel newer than every affected range is outside it; below a bound it stays unknown', () => {
  // Ubuntu's 6.8.0-45 (upstream 6.8.12, backport-heavy) is newer than "<5.11": backports add to a
  // kernel, they never take it back.
  const newer = run(
    mergeFacts(
      componentFact('widget@1.14.0', '--with'),
      kernelFacts('6.8.0-45-generic', '--kernel'),
    ),
  ).findings.find((f) => f.id === 'versioned')!;
  assert.equal(newer.verdict, 'ruled-out');
  assert.match(newer.conditions[1]!.reason, /newer than the range/);
});

/** A general entry: the mechanism, with two causes the facts can tell apart. */
const mechanism = `id: map-create-eperm
family: map-create-eperm
layer: general
title: map creation refused
severity: error
components: [kernel]
summary: s
explanation: e
signatures:
  - name: map-create
    pattern: 'map create[^\\n]*?{errno:EPERM}'
differential:
  - cause: RLIMIT_MEMLOCK on an old kernel
    when:
      - kernel: '<5.11.0'
        source: https://example.org/memlock
    check: uname -r; ulimit -l
    entry: memlock-old-kernel
  - cause: missing privilege
    when:
      - fact: process.uid
        notEquals: 0
        source: https://example.org/uid
    check: id -u
fix: f
references:
  - url: https://example.org/mechanism
    kind: docs
examples:
  - text: 'map create: operation not permitted'
    source: https://example.org/report
`;
const memlock = `${entryYaml(
  'memlock-old-kernel',
  'map create[^\\n]*?{errno:EPERM}',
  `conditions:
  - kernel: '<5.11.0'
    source: https://example.org/memlock
`,
)}`.replace('family: memlock-old-kernel', 'family: map-create-eperm');
const summary = entryYaml('summary-line', 'failed to load object').replace(
  '    priority: 0',
  '    priority: 50\n    role: consequence',
);
const rankingKb = kbFromYaml(mechanism, memlock, summary);
const rank = (input: string, facts = {}) =>
  diagnose([{ name: 'log', text: input }], facts, rankingKb).findings;

test('a specific entry whose conditions are unknown ranks above the general one; the general finding gives the differential', () => {
  const findings = rank('map create: EPERM');
  assert.deepEqual(
    findings.map((finding) => [finding.id, finding.layer, finding.verdict]),
    [
      ['memlock-old-kernel', 'specific', 'likely'],
      ['map-create-eperm', 'general', 'likely'],
    ],
  );
  const general = findings[1]!;
  assert.deepEqual(
    general.differential?.map((cause) => [cause.cause, cause.result, cause.check]),
    [
      ['RLIMIT_MEMLOCK on an old kernel', 'undecided', 'uname -r; ulimit -l'],
      ['missing privilege', 'undecided', 'id -u'],
    ],
  );
  assert.match(general.reasoning, /leave 2 of its 2 causes/);
});

test('facts settle a shared line: the specific entry they rule out drops, and the general one names the cause left', () => {
  const facts = mergeFacts(kernelFacts('6.1.58', '--kernel'), {
    'process.uid': { value: 1000, source: 'probe' },
  });
  const findings = rank('map create: operation not permitted', facts);
  assert.deepEqual(
    findings.map((finding) => [finding.id, finding.verdict]),
    [
      ['map-create-eperm', 'confirmed'],
      ['memlock-old-kernel', 'ruled-out'],
    ],
  );
  assert.deepEqual(
    findings[0]!.differential?.map((cause) => cause.result),
    ['excluded', 'fits'],
  );
  assert.match(findings[0]!.reasoning, /one cause: missing privilege/);
});

test('a root-cause line ranks above a line that only reports its consequence, whatever its priority', () => {
  const findings = rank('failed to load object\nmap create: errno=1');
  assert.equal(findings[0]!.id, 'memlock-old-kernel');
  assert.equal(findings.at(-1)!.id, 'summary-line');
});

test('check: an entry about a missing capability is information where nothing that needs it is installed', () => {
  const missing = entryYaml(
    'no-multi',
    'multi attach failed',
    `usedBy: [tracer]
conditions:
  - kernel: '<5.18.0'
    source: https://example.org/multi
`,
  );
  const capabilityKb = kbFromYaml(missing);
  const old = kernelFacts('5.15.0', '--kernel');
  const without = check(mergeFacts(old, componentFact('tracer@none', '--with')), capabilityKb);
  assert.equal(without.findings[0]!.severity, 'info');
  assert.match(without.findings[0]!.reasoning, /none of tracer is installed/);
  const withTracer = check(mergeFacts(old, componentFact('tracer@1.4.0', '--with')), capabilityKb);
  assert.equal(withTracer.findings[0]!.severity, 'error');
});

test("check: kcompat's own missing privileges are a note among the undecided, not a hazard", () => {
  const privileged = entryYaml(
    'needs-admin',
    'bpf refused',
    `conditions:
  - fact: process.capabilities
    excludes: CAP_SYS_ADMIN
    source: https://example.org/caps
`,
  );
  const rootless = entryYaml(
    'rootless-v2',
    'no delegation',
    `conditions:
  - fact: cgroup.layout
    equals: v2
    source: https://example.org/v2
  - fact: process.uid
    notEquals: 0
    source: https://example.org/uid
`,
  );
  const privilegeKb = kbFromYaml(privileged, rootless);
  const probed: Facts = {
    'process.capabilities': { value: [], source: '/proc/self/status CapEff' },
    'process.uid': { value: 65534, source: '/proc/self/status Uid (real)' },
    'cgroup.layout': { value: 'v2', source: '/proc/self/mountinfo' },
  };
  const report = check(probed, privilegeKb);
  // The probing process's capabilities alone: a note, with what matched.
  assert.deepEqual(
    report.findings.map((finding) => finding.id),
    ['rootless-v2'],
  );
  const note = report.undecided!.find((entry) => entry.id === 'needs-admin')!;
  assert.deepEqual(note.unknownFacts, ['process.capabilities']);
  assert.match(
    note.note!,
    /kcompat's own process .*lacks CAP_SYS_ADMIN: \/proc\/self\/status CapEff/,
  );
  assert.equal(hasActionableFindings(report), true);
  assert.equal(hasActionableFindings(check(probed, kbFromYaml(privileged))), false);
  // Stated for a service's user (another source), the same fact decides.
  const stated = check(
    { 'process.capabilities': { value: [], source: 'facts of the tracer service' } },
    kbFromYaml(privileged),
  );
  assert.equal(stated.findings[0]?.verdict, 'at-risk');
  assert.equal(stated.undecided!.length, 0);
});

test('two general entries on one line: the facts rank the family they leave a cause for above the one whose causes they exclude', () => {
  // A general entry of its own family: one cause of its own, one that the other family explains.
  const family = (id: string, when: string, other: string, priority: number) =>
    entryYaml(
      id,
      'map create[^\\n]*?{errno:EPERM}',
      `layer: general
differential:
  - cause: its own cause
    when:
${when}
    check: c
  - cause: the other family's cause
    check: c
    entry: ${other}
`,
      priority,
    );
  const shared = kbFromYaml(
    family(
      'aaa-memlock',
      "      - kernel: '<5.11.0'\n        source: https://example.org/k",
      'zzz-privilege',
      1,
    ),
    family(
      'zzz-privilege',
      '      - fact: process.uid\n        notEquals: 0\n        source: https://example.org/u',
      'aaa-memlock',
      5,
    ),
  );
  const first = (facts: Facts) =>
    diagnose([{ name: 'log', text: 'map create: operation not permitted' }], facts, shared)
      .findings[0]!.id;
  // Without facts the priority decides; a 5.10 kernel proves the memlock cause; a 6.8 one
  // excludes it, whatever the priorities say.
  assert.equal(first({}), 'zzz-privilege');
  assert.equal(first(kernelFacts('5.10.197', '--kernel')), 'aaa-memlock');
  assert.equal(first(kernelFacts('6.8.12', '--kernel')), 'zzz-privilege');
});
