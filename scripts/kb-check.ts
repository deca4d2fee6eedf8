// npm run kb:check -- [FAMILY...]: checks knowledge-base entries straight from kb/*.yaml (no build
// needed): every problem of the named families' files, their examples (top finding) and
// near-misses (own entry never; a named family must claim it), and each {errno:...} signature fed
// every spelling of its errno. Files of other families that do not load are skipped with a
// warning, so one entry being written does not stop the check of another. With no family, it
// checks all of them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUILTIN_KB_DIR,
  parseKnownIssue,
  type KbProblem,
  type LoadedIssue,
} from '../src/kb/load.js';
import { runConformance } from '../src/kb/conformance.js';
import { errnoSpellingFailures } from '../src/kb/errno-spellings.js';
import { hostFactKeys } from '../src/host/fact-keys.js';

const wanted = new Set(process.argv.slice(2));
const factKeys = hostFactKeys();
const issues: LoadedIssue[] = [];
const problems: KbProblem[] = [];
const skipped: string[] = [];
for (const name of readdirSync(BUILTIN_KB_DIR)
  .filter((file) => file.endsWith('.yaml'))
  .sort()) {
  const file = join(BUILTIN_KB_DIR, name);
  const text = readFileSync(file, 'utf8');
  const family = /^family:\s*(\S+)/m.exec(text)?.[1] ?? '';
  const mine = wanted.size === 0 || wanted.has(family);
  const own: KbProblem[] = [];
  const issue = parseKnownIssue(text, file, own, true, factKeys);
  if (issue) issues.push(issue);
  else if (mine) problems.push(...own);
  else skipped.push(`${name} (${own[0]?.message ?? 'does not load'})`);
}
const byId = new Map(issues.map((issue) => [issue.id, issue]));
const kb = { issues, byId };
for (const issue of issues) {
  if (wanted.size > 0 && !wanted.has(issue.family)) continue;
  for (const related of issue.related)
    if (!byId.has(related))
      problems.push({
        file: issue.file,
        line: 1,
        message: `related id "${related}" does not exist`,
      });
}
const only = new Set(
  issues.filter((issue) => wanted.size === 0 || wanted.has(issue.family)).map((issue) => issue.id),
);
const result = runConformance(kb, only);
const spellings = errnoSpellingFailures(kb, only);

for (const skip of skipped) console.log(`skipped (another family, does not load): ${skip}`);
for (const problem of problems)
  console.log(`PROBLEM ${problem.file}:${problem.line}: ${problem.message}`);
for (const failure of result.failures)
  console.log(`FAIL ${failure.id} ${failure.kind} #${failure.index + 1}: ${failure.message}`);
for (const failure of spellings) console.log(`SPELLING ${failure}`);
console.log(
  `${only.size} entries checked: ${result.passed} examples and near-misses passed, ${result.failures.length} failed, ${problems.length} problems, ${spellings.length} errno spellings missed`,
);
process.exit(problems.length + result.failures.length + spellings.length > 0 ? 1 : 0);
