// Release strings from public reports (each with its source), resolved as the report's distro
// ships them: exact upstream versions, bounds, backport flags, or honestly unresolved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolveKernelRelease } from './kernel-release.js';

interface Case {
  release: string;
  source: string;
  upstream?: string;
  range?: [string, string];
  resolvedBy: string;
  backportHeavy?: boolean;
}

const cases = JSON.parse(
  readFileSync(new URL('./fixtures/kernel-releases.json', import.meta.url), 'utf8'),
) as Case[];

for (const item of cases) {
  test(`${item.release} (${item.source})`, () => {
    const result = resolveKernelRelease(item.release);
    assert.equal(result.resolvedBy, item.resolvedBy, result.detail);
    assert.equal(result.upstream, item.upstream, result.detail);
    assert.deepEqual(
      result.upstreamRange ? [result.upstreamRange.min, result.upstreamRange.max] : undefined,
      item.range,
    );
    assert.equal(result.backportHeavy, item.backportHeavy ?? false, result.detail);
  });
}

test('the table holds at least 30 distinct real release strings, each with its source', () => {
  assert.ok(new Set(cases.map((item) => item.release)).size >= 30);
  for (const item of cases)
    assert.match(item.source, /^https:\/\/github\.com\/[^/]+\/[^/]+\/(issues|pull)\/\d+$/);
});
