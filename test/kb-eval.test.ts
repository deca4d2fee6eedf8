// The held-out evaluation set (eval/cases/) scored in-process with the engine `kcompat why
// --no-probe` uses; `npm run eval` scores the built command the same way and prints each miss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../src/core/diagnose.js';
import { loadKnowledgeBase } from '../src/kb/load.js';
import {
  loadEvalCases,
  overlapsWithExamples,
  scoreEval,
  type EvalCase,
} from '../src/kb/evaluate.js';

const kb = loadKnowledgeBase();
const cases = loadEvalCases();

test('evaluation cases are real, labelled with known ids, and none is an example', () => {
  assert.ok(cases.length > 0);
  for (const evalCase of cases) {
    assert.match(evalCase.source, /^https:\/\//);
    assert.ok(
      evalCase.expect === 'none' || kb.byId.has(evalCase.expect),
      `${evalCase.file}: unknown id ${evalCase.expect}`,
    );
  }
  assert.deepEqual(overlapsWithExamples(cases, kb), []);
});

test('kcompat why --no-probe meets the targets on the held-out set (>= 90% top-1, <= 10% false positives)', () => {
  const score = scoreEval(
    cases.map((evalCase) => ({
      case: evalCase,
      findings: diagnose([{ name: 'case', text: evalCase.text }], {}, kb).findings.map(
        (finding) => finding.id,
      ),
    })),
  );
  const detail = [
    ...score.misses.map(
      (miss) => `miss ${miss.case.expect} -> ${miss.got ?? 'nothing'} (${miss.case.source})`,
    ),
    ...score.falseAlarms.map((alarm) => `false positive ${alarm.got} (${alarm.case.source})`),
  ].join('\n');
  assert.ok(score.explained > 0 && score.unrelated > 0);
  assert.ok(score.top1Accuracy >= 0.9, `top-1 ${score.top1}/${score.explained}\n${detail}`);
  assert.ok(
    score.falsePositiveRate <= 0.1,
    `false positives ${score.falsePositives}/${score.unrelated}\n${detail}`,
  );
});

test('scoring counts a wrong top finding as a miss and any finding on an unrelated text as a false positive', () => {
  const at = (expect: string): EvalCase => ({
    text: 't',
    source: 'https://example.org',
    expect,
    file: 'f.yaml',
  });
  const score = scoreEval([
    { case: at('a'), findings: ['a', 'b'] },
    { case: at('a'), findings: ['b', 'a'] },
    { case: at('a'), findings: [] },
    { case: at('none'), findings: [] },
    { case: at('none'), findings: ['benign-thing'] },
  ]);
  assert.deepEqual(
    [score.explained, score.top1, score.unrelated, score.falsePositives],
    [3, 1, 2, 1],
  );
  assert.equal(score.misses[1]!.got, undefined);
});
