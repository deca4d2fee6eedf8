// npm run eval: scores `kcompat why --no-probe` on the held-out cases in eval/cases/, running
// the built command once per case as a user would, and prints top-1 accuracy by family (overall
// and per family) and the false-positive rate, with every miss. Exit 1 when below the targets
// (src/kb/evaluate.ts, EVAL_TARGETS).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadKnowledgeBase } from '../src/kb/load.js';
import {
  EVAL_TARGETS,
  familiesBelowTarget,
  loadEvalCases,
  overlapsWithExamples,
  scoreEval,
  type EvalAnswer,
  type EvalCase,
} from '../src/kb/evaluate.js';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

function runWhy(evalCase: EvalCase): Promise<EvalAnswer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'why', '--no-probe', '--format', 'json', '-'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && code !== 1)
        return reject(new Error(`${evalCase.source}: exit ${code}: ${stderr.trim()}`));
      const report = JSON.parse(stdout) as { findings: { id: string; family: string }[] };
      resolve({
        case: evalCase,
        findings: report.findings.map(({ id, family }) => ({ id, family })),
      });
    });
    child.stdin.end(evalCase.text);
  });
}

async function runAll(cases: readonly EvalCase[], parallel: number): Promise<EvalAnswer[]> {
  const answers: EvalAnswer[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      answers[index] = await runWhy(cases[index]!);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return answers;
}

const cases = loadEvalCases();
const overlaps = overlapsWithExamples(cases, loadKnowledgeBase());
if (overlaps.length > 0) {
  console.error(`evaluation cases must not be examples:\n  ${overlaps.join('\n  ')}`);
  process.exit(2);
}
const score = scoreEval(await runAll(cases, 4));
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
console.log(
  `kcompat why --no-probe on ${cases.length} held-out cases (eval/cases/), scored by family`,
);
console.log(
  `  top-1 accuracy   ${percent(score.top1Accuracy)}  (${score.top1}/${score.explained}; target >= ${percent(EVAL_TARGETS.top1)} overall and in every family with ${EVAL_TARGETS.familyMinCases}+ cases)`,
);
console.log(
  `  false positives  ${percent(score.falsePositiveRate)}  (${score.falsePositives}/${score.unrelated} unrelated errors; target <= ${percent(EVAL_TARGETS.falsePositives)})`,
);
console.log('');
console.log('  family                                      top-1    cases');
for (const family of score.families)
  console.log(
    `  ${family.family.padEnd(42)}  ${percent(family.accuracy).padStart(6)}  ${String(family.top1).padStart(3)}/${family.cases}${family.cases >= EVAL_TARGETS.familyMinCases && family.accuracy < EVAL_TARGETS.top1 ? '  below target' : ''}`,
  );
console.log('');
for (const miss of score.misses)
  console.log(
    `  miss: expected ${miss.case.expect}, got ${miss.got ?? 'nothing'}  (${miss.case.file}, ${miss.case.source})`,
  );
for (const alarm of score.falseAlarms)
  console.log(`  false positive: ${alarm.got}  (${alarm.case.file}, ${alarm.case.source})`);
const below = familiesBelowTarget(score);
process.exit(
  score.top1Accuracy >= EVAL_TARGETS.top1 &&
    below.length === 0 &&
    score.falsePositiveRate <= EVAL_TARGETS.falsePositives
    ? 0
    : 1,
);
