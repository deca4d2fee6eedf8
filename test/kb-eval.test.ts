// The held-out evaluation set (eval/cases/) scored in-process with the engine `kcompat why
// --no-probe` uses; `npm run eval` scores the built command the same way and prints each miss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../src/core/diagnose.js';
import { loadKnowledgeBase } from '../src/kb/load.js';
import {
  EVAL_FLOOR,
  EVAL_TARGETS,
  familiesBelowTarget,
  loadEvalCases,
  overlapsWithExamples,
  scoreEval,
  type EvalCase,
} from '../src/kb/evaluate.js';

const kb = loadKnowledgeBase();
const cases = loadEvalCases();

const families = new Set(kb.issues.map((issue) => issue.family));

test('evaluation cases are real, labelled with a family the knowledge base covers, and none is an example', () => {
  assert.ok(cases.length >= 300, `${cases.length} cases`);
  for (const evalCase of cases) {
    assert.match(evalCase.source, /^https:\/\//);
    assert.ok(
      evalCase.expect === 'none' || families.has(evalCase.expect),
      `${evalCase.file}: no entry covers family ${evalCase.expect}`,
    );
  }
  assert.deepEqual(overlapsWithExamples(cases, kb), []);
});

test('kcompat why --no-probe holds the floor on the held-out set (the targets are reported by npm run eval)', () => {
  const score = scoreEval(
    cases.map((evalCase) => ({
      case: evalCase,
      findings: diagnose([{ name: 'case', text: evalCase.text }], {}, kb).findings.map(
        ({ id, family }) => ({ id, family }),
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
  assert.ok(
    score.top1Accuracy >= EVAL_FLOOR.top1,
    `top-1 ${score.top1}/${score.explained}\n${detail}`,
  );
  assert.ok(
    score.falsePositiveRate <= EVAL_FLOOR.falsePositives,
    `false positives ${score.falsePositives}/${score.unrelated}\n${detail}`,
  );
  // The floor sits below the targets while issue 15 is open; once the targets hold, they are
  // what this test asserts (and the floor goes).
  assert.ok(
    EVAL_FLOOR.top1 <= EVAL_TARGETS.top1 &&
      EVAL_FLOOR.falsePositives >= EVAL_TARGETS.falsePositives,
  );
  if (score.top1Accuracy >= EVAL_TARGETS.top1 && familiesBelowTarget(score).length === 0)
    assert.ok(
      score.falsePositiveRate > EVAL_TARGETS.falsePositives,
      'the targets hold: assert them here and drop EVAL_FLOOR',
    );
});

test('scoring is by family: a wrong top family is a miss, any finding on an unrelated text a false positive', () => {
  const at = (expect: string): EvalCase => ({
    text: 't',
    source: 'https://example.org',
    expect,
    file: 'f.yaml',
  });
  const found = (family: string, id = `${family}-entry`) => ({ id, family });
  const score = scoreEval([
    { case: at('a'), findings: [found('a', 'a-specific'), found('b')] },
    { case: at('a'), findings: [found('b'), found('a')] },
    { case: at('a'), findings: [] },
    { case: at('none'), findings: [] },
    { case: at('none'), findings: [found('benign-thing')] },
  ]);
  assert.deepEqual(
    [score.explained, score.top1, score.unrelated, score.falsePositives],
    [3, 1, 2, 1],
  );
  assert.equal(score.misses[1]!.got, undefined);
  assert.deepEqual(score.families, [{ family: 'a', cases: 3, top1: 1, accuracy: 1 / 3 }]);
});
