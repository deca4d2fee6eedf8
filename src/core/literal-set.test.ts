// The multi-literal search against the obvious one on random texts and literals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiteralSet } from './literal-set.js';

function naive(text: string, literals: readonly string[], from: number): number {
  const lower = text.toLowerCase();
  let best = -1;
  for (const literal of literals) {
    const at = lower.indexOf(literal.toLowerCase(), from);
    if (at >= 0 && (best < 0 || at < best)) best = at;
  }
  return best;
}

test('finds the first occurrence of any literal, ignoring ASCII case, as indexOf does', () => {
  let seed = 7;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
  const alphabet = 'abcAB _-:()`"\\';
  const word = (length: number) =>
    Array.from({ length }, () => alphabet[random(alphabet.length)]).join('');
  for (let round = 0; round < 500; round++) {
    const literals = Array.from({ length: 1 + random(6) }, () => word(3 + random(6)));
    const set = new LiteralSet(literals);
    const text = word(random(300));
    for (const from of [0, random(50)])
      assert.equal(
        set.find(text, from),
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
  assert.equal(set.find(line), line.indexOf('CGROUP'));
  assert.equal(set.find('level=info msg="pulled image"'), -1);
  assert.throws(() => new LiteralSet(['xy']));
});
