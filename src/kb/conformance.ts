// Runs each entry's own examples and near-misses against the whole knowledge base: every
// example must make its entry the top finding (with the verdict it states), and no near-miss
// may match the entry at all. Used by `kcompat kb test` and by the test suite.
import { diagnose } from '../core/diagnose.js';
import { kernelFacts, known, type Facts } from '../core/facts.js';
import type { KnowledgeBase, LoadedIssue } from './load.js';

export interface ConformanceFailure {
  id: string;
  file: string;
  kind: 'example' | 'near-miss';
  index: number;
  message: string;
}

export interface ConformanceResult {
  passed: number;
  failures: ConformanceFailure[];
}

/** Facts an example states, as the engine sees them. */
export function exampleFacts(stated: Record<string, string | number | boolean | null> | undefined): Facts {
  const facts: Facts = {};
  for (const [key, value] of Object.entries(stated ?? {})) {
    if (key === 'kernel.release' && typeof value === 'string') {
      Object.assign(facts, kernelFacts(value, 'stated in the report'));
    } else {
      facts[key] = known(value, 'stated in the report');
    }
  }
  return facts;
}

export function runConformance(kb: KnowledgeBase, only?: ReadonlySet<string>): ConformanceResult {
  const failures: ConformanceFailure[] = [];
  let passed = 0;
  for (const issue of kb.issues) {
    if (only && !only.has(issue.id)) continue;
    const before = failures.length;
    checkExamples(issue, kb, failures);
    checkNearMisses(issue, kb, failures);
    passed += issue.examples.length + issue.nearMisses.length - (failures.length - before);
  }
  return { passed, failures };
}

function checkExamples(issue: LoadedIssue, kb: KnowledgeBase, failures: ConformanceFailure[]): void {
  issue.examples.forEach((example, index) => {
    const report = diagnose([{ name: 'example', text: example.text }], exampleFacts(example.facts), kb);
    const top = report.findings[0];
    const fail = (message: string) => failures.push({ id: issue.id, file: issue.file, kind: 'example', index, message });
    if (!top) return fail('matches no entry');
    const own = report.findings.findIndex((finding) => finding.id === issue.id);
    // A general entry's example may be one a specific entry of its family refines: that entry
    // ranks first (specific over general), and the general one still matches below it.
    const refined = issue.layer === 'general' && own > 0 && top.family === issue.family;
    if (top.id !== issue.id && !refined) {
      return fail(
        own < 0
          ? `does not match this entry (top finding: ${top.id})`
          : `ranks ${top.id} (${top.verdict}) above this entry (${report.findings[own]!.verdict}, rank ${own + 1})`,
      );
    }
    const expected = example.verdict ?? (issue.benign ? 'benign' : undefined);
    if (expected && top.verdict !== expected) fail(`verdict ${top.verdict}, expected ${expected}: ${top.reasoning}`);
  });
}

/**
 * A near-miss must not match its own entry; and when its cause is a family the knowledge base
 * covers, that family must claim it (be the top finding): a text whose cause kcompat knows is
 * not left to a near-miss list.
 */
function checkNearMisses(issue: LoadedIssue, kb: KnowledgeBase, failures: ConformanceFailure[]): void {
  const families = new Set(kb.issues.map((entry) => entry.family));
  issue.nearMisses.forEach((nearMiss, index) => {
    const fail = (message: string) =>
      failures.push({ id: issue.id, file: issue.file, kind: 'near-miss', index, message });
    const own = diagnose([{ name: 'near-miss', text: nearMiss.text }], {}, { issues: [issue], byId: kb.byId });
    if (own.findings.length > 0)
      fail(`matches this entry at line ${own.findings[0]!.matches[0]?.line ?? '?'}, but it is ${nearMiss.why}`);
    const family = nearMiss.family;
    if (family === undefined || family === 'none') return;
    if (!families.has(family))
      return fail(`names family ${family}, which no entry covers: write none, or add the family`);
    const top = diagnose([{ name: 'near-miss', text: nearMiss.text }], {}, kb).findings[0];
    if (top?.family !== family)
      fail(`its cause is family ${family}, which kcompat covers, but ${top ? `the top finding is ${top.id} (${top.family})` : 'nothing matches it'}: that family should claim it`);
  });
}
