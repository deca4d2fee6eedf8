// Every text a signature regex matches contains one of its required literals: checked on texts
// fast-check generates from the regex itself, for every built-in signature.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { requiredLiterals } from './literals.js';
import { loadKnowledgeBase } from './load.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);

test('literals of small groups of alternatives are spelled out, optional ones included', () => {
  assert.deepEqual(requiredLiterals('invalid (?:read from |write to )?stack off=', false)?.sort(), [
    'invalid read from stack off=',
    'invalid stack off=',
    'invalid write to stack off=',
  ]);
  assert.deepEqual(requiredLiterals('bpf create `[^`]*`: (?<errno>No space left on device)', true), [
    '`: no space left on device',
  ]);
  assert.deepEqual(requiredLiterals('(?:foo|bar)x?y', false), ['fooxy', 'fooy', 'barxy', 'bary']);
  assert.equal(requiredLiterals('\\d+ ?[a-z]*', false), null);
  // Case-insensitive: only ASCII runs, since the regex folds other letters unlike toLowerCase.
  assert.deepEqual(requiredLiterals('\u212Aelvin error', true), ['elvin error']);
  assert.deepEqual(requiredLiterals('ABCΣ failed', false), ['ABCΣ failed']);
  assert.equal(requiredLiterals('ab\u03C3', true), null);
});

test('every match of every built-in signature contains one of its literals', () => {
  const kb = loadKnowledgeBase([], { useCache: false });
  let checked = 0;
  for (const issue of kb.issues)
    for (const signature of issue.signatures) {
      const source = signature.start ?? signature.pattern;
      const literals = requiredLiterals(source, signature.ignoreCase);
      if (literals === null) continue;
      let matches: fc.Arbitrary<string>;
      try {
        // Look-behinds and back-references are beyond the generator: those patterns are skipped.
        matches = fc.stringMatching(new RegExp(source, signature.ignoreCase ? 'i' : ''));
      } catch {
        continue;
      }
      checked++;
      fc.assert(
        fc.property(matches, (text) => {
          const haystack = signature.ignoreCase ? text.toLowerCase() : text;
          assert.ok(
            literals.some((literal) => haystack.includes(literal)),
            `${issue.id}/${signature.name}: ${JSON.stringify(text)} holds none of ${JSON.stringify(literals)}`,
          );
        }),
        { numRuns: RUNS },
      );
    }
  assert.ok(checked > 50, `only ${checked} signatures checked`);
});
