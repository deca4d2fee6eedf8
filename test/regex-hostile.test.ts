// Built-in signatures run in irregexp (src/core/linear-regex.ts): fast on real lines, but a
// polynomial shape (an unbounded gap after a literal that a crafted line repeats, [\s\S]*? in a
// 1 MiB window) would take minutes. Every built-in signature runs here on crafted 1 MiB texts made
// of its own literals: repeated with the separators logs use, followed by a long run of spaces
// or newlines, and its literals interleaved. A quadratic shape takes minutes on these; a sound one
// takes milliseconds. The bound is a hang detector, not a benchmark (BENCHMARKS.md measures speed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadKnowledgeBase } from '../src/kb/load.js';
import { MAX_RECORD_CHARS } from '../src/core/log-records.js';

/** Far above what a sound signature takes on 1 MiB, far below what a quadratic one does. */
const HANG_MS = 5000;
const SEPARATORS = [' ', '', ': ', '`', '\n', ' \t ', "'", '"'];

/**
 * At most four of a signature's literals (the first, the last, the shortest, the longest): a
 * general signature names an operation in dozens of spellings, and each one crafts the same
 * shapes; a dozen 1 MiB texts per literal for all of them would take the run past CI's budget.
 */
function sampleLiterals(literals: readonly string[]): string[] {
  const bySize = [...literals].sort((a, b) => a.length - b.length);
  return [...new Set([literals[0], literals.at(-1), bySize[0], bySize.at(-1)])].filter(
    (literal): literal is string => literal !== undefined,
  );
}

function craftedTexts(all: readonly string[]): string[] {
  const literals = sampleLiterals(all);
  const fill = (unit: string) =>
    unit.repeat(Math.ceil(MAX_RECORD_CHARS / Math.max(1, unit.length))).slice(0, MAX_RECORD_CHARS);
  const texts: string[] = [fill(' '), fill('a1 ')];
  for (const literal of literals) {
    for (const separator of SEPARATORS) texts.push(fill(literal + separator));
    texts.push(literal + fill(' '), literal + fill('\n'), literal + fill('x'));
  }
  if (literals.length > 1) texts.push(fill(literals.join(' ')));
  return texts;
}

test(
  'every built-in signature runs on crafted 1 MiB texts of its own literals without hanging',
  { timeout: 600_000 },
  (t) => {
    const kb = loadKnowledgeBase([], { useCache: false });
    const slow: string[] = [];
    const slowest: [string, number][] = [];
    let runs = 0;
    for (const issue of kb.issues)
      for (const signature of issue.signatures) {
        const regexes = [signature.regex, signature.startRegex, signature.excludeRegex].filter(
          (regex): regex is RegExp => regex !== undefined,
        );
        for (const text of craftedTexts(signature.literals ?? ['error']))
          for (const regex of regexes) {
            const started = performance.now();
            regex.exec(text);
            const ms = performance.now() - started;
            runs++;
            if (ms > HANG_MS) slow.push(`${issue.id} ${signature.name}: ${ms.toFixed(0)} ms`);
            slowest.push([`${issue.id} ${signature.name}`, ms]);
          }
      }
    // The slowest shapes, so one creeping towards the bound is seen before it fails.
    for (const [name, ms] of slowest.sort((a, b) => b[1] - a[1]).slice(0, 5))
      t.diagnostic(`${name}: ${ms.toFixed(0)} ms`);
    assert.ok(runs > 1000, `${runs} runs`);
    assert.deepEqual(slow, []);
  },
);
