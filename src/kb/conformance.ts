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
    if (top.id !== issue.id) {
      const own = report.findings.findIndex((finding) => finding.id === issue.id);
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

function checkNearMisses(issue: LoadedIssue, kb: KnowledgeBase, failures: ConformanceFailure[]): void {
  issue.nearMisses.forEach((nearMiss, index) => {
    const report = diagnose([{ name: 'near-miss', text: nearMiss.text }], {}, { issues: [issue], byId: kb.byId });
    if (report.findings.length > 0) {
      failures.push({
        id: issue.id,
        file: issue.file,
        kind: 'near-miss',
        index,
        message: `matches this entry at line ${report.findings[0]!.matches[0]?.line ?? '?'}, but it is ${nearMiss.why}`,
      });
    }
  });
}
