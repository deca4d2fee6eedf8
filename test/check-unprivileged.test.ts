// `kcompat check` run without privileges: what only kcompat's own process lacks (CAP_SYS_ADMIN,
// CAP_BPF) and the BPF probes it could not run are notes about inconclusive facts, not hazards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BIN } from './cli-harness.js';
import { kcompatAsNobody, requireRootSetpriv } from './require.js';

interface Condition {
  fact: string;
}

test("check as nobody: kcompat's own missing capabilities are a note, never an at-risk finding", (t) => {
  if (!requireRootSetpriv(t)) return;
  const run = kcompatAsNobody(BIN, ['check', '--format', 'json']);
  assert.ok(run.status === 0 || run.status === 1, run.stderr);
  const report = JSON.parse(run.stdout) as {
    facts: Record<string, { value?: unknown; source?: string }>;
    findings: { id: string; conditions: Condition[] }[];
    undecided: { id: string; unknownFacts: string[]; note?: string }[];
  };
  assert.equal(report.facts['process.uid']?.value, 65534);
  // No finding rests on the probing process's privileges alone.
  const privileges = ['process.uid', 'process.euid', 'process.capabilities'];
  for (const finding of report.findings)
    assert.ok(
      !finding.conditions.every((condition) => privileges.includes(condition.fact)),
      finding.id,
    );
  // bpf-unprivileged-disabled (process.capabilities lacks CAP_SYS_ADMIN) is noted instead.
  const noted = report.undecided.find((entry) => entry.id === 'bpf-unprivileged-disabled');
  assert.ok(noted?.note, JSON.stringify(report.undecided));
  assert.deepEqual(noted.unknownFacts, ['process.capabilities']);
  assert.match(noted.note, /kcompat's own process/);

  const text = kcompatAsNobody(BIN, ['check']);
  assert.match(text.stdout, /^ {2}bpf-unprivileged-disabled: only kcompat's own process matches/m);
  assert.doesNotMatch(text.stdout, /^AT RISK +\S+ +bpf-unprivileged-disabled/m);
});
