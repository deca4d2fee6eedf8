// The project measuring itself: a labelled set of real error texts (eval/cases/*.yaml), kept
// apart from the entries' own examples, scored as top-1 accuracy over texts that a known issue
// explains and as the false-positive rate over unrelated in-domain errors (expect: none).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import type { KnowledgeBase } from './load.js';

export const EVAL_DIR = fileURLToPath(new URL('../../eval/cases', import.meta.url));

export const EvalCaseSchema = z.strictObject({
  text: z.string().min(1).describe('verbatim text from a public report'),
  source: z.url(),
  expect: z.string().min(1).describe('the id of the entry that explains it, or "none"'),
  note: z.string().optional(),
});
export type EvalCase = z.infer<typeof EvalCaseSchema> & { file: string };

export function loadEvalCases(dir = EVAL_DIR): EvalCase[] {
  const cases: EvalCase[] = [];
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.yaml')).sort()) {
    const parsed = z.array(EvalCaseSchema).safeParse(parse(readFileSync(join(dir, name), 'utf8')) ?? []);
    if (!parsed.success) throw new Error(`eval/cases/${name}: ${parsed.error.issues[0]?.message}`);
    for (const entry of parsed.data) cases.push({ ...entry, file: name });
  }
  return cases;
}

/** What kcompat answered for one case: the ids of its findings, best first. */
export interface EvalAnswer {
  case: EvalCase;
  findings: string[];
}

export interface EvalScore {
  explained: number;
  top1: number;
  unrelated: number;
  falsePositives: number;
  top1Accuracy: number;
  falsePositiveRate: number;
  misses: { case: EvalCase; got: string | undefined }[];
  falseAlarms: { case: EvalCase; got: string }[];
}

export function scoreEval(answers: readonly EvalAnswer[]): EvalScore {
  const misses: EvalScore['misses'] = [];
  const falseAlarms: EvalScore['falseAlarms'] = [];
  let explained = 0;
  let unrelated = 0;
  for (const answer of answers) {
    const top = answer.findings[0];
    if (answer.case.expect === 'none') {
      unrelated++;
      // Any finding on an unrelated error is a false positive, even a benign one.
      if (top !== undefined) falseAlarms.push({ case: answer.case, got: top });
    } else {
      explained++;
      if (top !== answer.case.expect) misses.push({ case: answer.case, got: top });
    }
  }
  return {
    explained,
    top1: explained - misses.length,
    unrelated,
    falsePositives: falseAlarms.length,
    top1Accuracy: explained === 0 ? 0 : (explained - misses.length) / explained,
    falsePositiveRate: unrelated === 0 ? 0 : falseAlarms.length / unrelated,
    misses,
    falseAlarms,
  };
}

/** Whitespace-insensitive form used to keep evaluation texts and examples apart. */
export function normaliseText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Cases that repeat (or contain, or are contained in) an entry's own example. */
export function overlapsWithExamples(cases: readonly EvalCase[], kb: KnowledgeBase): string[] {
  const examples = kb.issues.flatMap((issue) =>
    issue.examples.map((example) => ({ id: issue.id, text: normaliseText(example.text) })),
  );
  const overlaps: string[] = [];
  for (const evalCase of cases) {
    const text = normaliseText(evalCase.text);
    const hit = examples.find((example) => example.text.includes(text) || text.includes(example.text));
    if (hit) overlaps.push(`${evalCase.file}: a case from ${evalCase.source} repeats an example of ${hit.id}`);
  }
  return overlaps;
}
