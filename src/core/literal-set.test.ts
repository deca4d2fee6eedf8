// The multi-literal search against the obvious one on random texts and literals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiteralSet, longestAsciiPiece } from './literal-set.js';

function naive(text: string, literals: readonly string[], from: number): number {
  const lower = text.toLowerCase();
  let best = -1;
  for (const literal of literals) {
    const at = lower.indexOf(literal.toLowerCase(), from);
    if (at >= 0 && (best < 0 || at < best)) best = at;
  }
  return best;
}

/** A seeded generator of random numbers below n and of words over the alphabet. */
function randomWords(seed: number, alphabet: string) {
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
  const word = (length: number) =>
    Array.from({ length }, () => alphabet[random(alphabet.length)]).join('');
  return { random, word };
}

test('finds the first occurrence of any literal, ignoring ASCII case, as indexOf does', () => {
  const { random, word } = randomWords(7, 'abcAB _-:()`"\\');
  for (let round = 0; round < 500; round++) {
    const literals = Array.from({ length: 1 + random(6) }, () => word(3 + random(6)));
    const set = new LiteralSet(literals);
    const text = word(random(300));
    for (const from of [0, random(50)])
      assert.equal(
        set.find(Buffer.from(text), from),
        naive(text, literals, from),
        `${JSON.stringify(literals)} in ${JSON.stringify(text)} from ${from}`,
      );
  }
});

test('real literals in a log line, and none where there is none', () => {
  const set = new LiteralSet([
    'failed to find valid kernel BTF',
    'cgroup mountpoint does not exist',
  ]);
  const line =
    'Dec 02 node containerd[1]: Error: cgroups: CGROUP MOUNTPOINT does not exist: unknown';
  assert.equal(set.find(Buffer.from(line)), line.indexOf('CGROUP'));
  assert.equal(set.occursIn(line), true);
  assert.equal(set.occursIn('level=info msg="pulled image"'), false);
  assert.equal(set.find(Buffer.from(line), 0, line.indexOf('CGROUP') + 10), -1, 'within bounds');
  assert.throws(() => new LiteralSet(['xy']));
  assert.throws(() => new LiteralSet(['échec']), /ASCII/);
});

test('offsets are in bytes; non-ASCII text and literals cut to an ASCII piece still match', () => {
  const line = 'Größe: café — failed to find valid kernel BTF';
  const bytes = Buffer.from(line);
  const set = new LiteralSet(['FAILED TO FIND']);
  assert.equal(set.find(bytes), bytes.indexOf('failed'));
  assert.notEqual(set.find(bytes), line.indexOf('failed'), 'UTF-8 offsets, not UTF-16 ones');
  // The search folds ASCII only, so "É" would never match "é": the literal is cut to ASCII.
  assert.equal(longestAsciiPiece('Échec du chargement'), 'chec du chargement');
  assert.equal(longestAsciiPiece('bpf create `x`: "no"', /["`]/), 'bpf create ');
  assert.equal(
    new LiteralSet([longestAsciiPiece('Échec du chargement')]).occursIn('ÉCHEC DU CHARGEMENT'),
    true,
  );
});

test('findLines gives, ascending, real occurrences including the first of every line holding one', () => {
  const { random, word } = randomWords(11, 'abcAB _\n\n');
  for (let round = 0; round < 400; round++) {
    const literals = Array.from({ length: 1 + random(5) }, () =>
      word(3 + random(5)).replace(/\n/g, 'c'),
    );
    const set = new LiteralSet(literals);
    const text = word(random(round < 200 ? 40 : 3000));
    const bytes = Buffer.from(text);
    const hits = set.findLines(bytes);
    const context = `${JSON.stringify(literals)} in ${JSON.stringify(text)}`;
    assert.deepEqual(
      hits,
      [...hits].sort((a, b) => a - b),
      context,
    );
    for (const hit of hits) assert.equal(naive(text, literals, hit), hit, context);
    for (let start = 0; start <= text.length;) {
      const end = text.indexOf('\n', start) < 0 ? text.length : text.indexOf('\n', start);
      const first = naive(text.slice(0, end), literals, start);
      if (first >= 0) assert.ok(hits.includes(first), `first hit ${first} of a line: ${context}`);
      start = end + 1;
    }
  }
});
