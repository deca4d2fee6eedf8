// The conformance test over the whole built-in knowledge base: every example makes its own
// entry the top finding, no near-miss matches its entry, ids equal file names, the JSON Schema
// for editors is current.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { BUILTIN_KB_DIR, loadKnowledgeBase } from '../src/kb/load.js';
import { runConformance } from '../src/kb/conformance.js';
import { errnoSpellingFailures } from '../src/kb/errno-spellings.js';
import { DESIGN_FAMILIES } from '../src/kb/schema.js';
import { renderSchema, SCHEMA_PATH } from '../scripts/generate-schema.js';
import { KB_DOCS_DIR, renderKbDocs } from '../scripts/generate-kb-docs.js';
import { join } from 'node:path';

const kb = loadKnowledgeBase();

test('the built-in knowledge base loads without problems', () => {
  assert.ok(kb.issues.length > 0);
});

test('ids equal file names, one entry per file', () => {
  const files = readdirSync(BUILTIN_KB_DIR)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => name.replace(/\.yaml$/, ''));
  assert.deepEqual(kb.issues.map((issue) => issue.id).sort(), files.sort());
});

for (const issue of kb.issues.filter((entry) => entry.signatures.length > 0)) {
  test(`${issue.id}: examples rank it first and near-misses do not match it`, () => {
    const result = runConformance(kb, new Set([issue.id]));
    assert.deepEqual(
      result.failures.map((failure) => `${failure.kind} #${failure.index + 1}: ${failure.message}`),
      [],
    );
    assert.ok(result.passed >= 2, 'at least one example and one near-miss');
  });

  test(`${issue.id}: every example has a source and every entry a near-miss`, () => {
    assert.ok(issue.nearMisses.length >= 1, 'needs a near-miss');
    for (const example of issue.examples) assert.match(example.source, /^https:\/\//);
  });
}

for (const issue of kb.issues.filter((entry) => entry.signatures.length === 0)) {
  test(`${issue.id}: a check-only entry has conditions with sources and an advisory or release reference`, () => {
    assert.ok(issue.conditions.length > 0);
    for (const condition of issue.conditions) assert.match(condition.source, /^https:\/\//);
    assert.ok(
      issue.references.some((reference) =>
        ['advisory', 'release', 'commit'].includes(reference.kind),
      ),
    );
  });
}

test('related entries point at each other', () => {
  for (const issue of kb.issues)
    for (const id of issue.related)
      assert.ok(
        kb.byId.get(id)!.related.includes(issue.id),
        `${id} does not list ${issue.id} back`,
      );
});

test('every family of DESIGN.md has at least one entry', () => {
  const families = new Set(kb.issues.map((issue) => issue.family));
  assert.deepEqual(
    DESIGN_FAMILIES.filter((family) => !families.has(family)),
    [],
  );
});

test('every family recognised from text has one general entry, with the family as its id', () => {
  const withText = new Set(
    kb.issues.filter((issue) => issue.signatures.length > 0).map((issue) => issue.family),
  );
  for (const family of withText) {
    const general = kb.issues.filter(
      (issue) => issue.family === family && issue.layer === 'general',
    );
    assert.deepEqual(
      general.map((issue) => issue.id),
      [family],
      `family ${family}: its general entry (layer: general, id ${family})`,
    );
  }
});

test('every near-miss says which family really explains it (or none)', () => {
  const missing = kb.issues.flatMap((issue) =>
    issue.nearMisses
      .map((nearMiss, index) => ({ nearMiss, index }))
      .filter(({ nearMiss }) => nearMiss.family === undefined)
      .map(({ index }) => `${issue.id} near-miss #${index + 1}`),
  );
  assert.deepEqual(missing, []);
});

test('every signature that names an errno matches each spelling of it', () => {
  assert.deepEqual(errnoSpellingFailures(kb), []);
});

test('each family has examples from at least three reports (different front ends or releases)', () => {
  // Families the trackers hold fewer real reports for, each with the reason.
  const FEWER: Record<string, string> = {
    'kprobe-multi-unsupported':
      'tools probe for kprobe.multi and fall back quietly (Tetragon, pwru, cilium/ebpf features), so few reports print the failure',
    'bpf-bounded-loops-unsupported':
      "bounded loops need a pre-5.3 kernel, which few reports of the last years run; the rest are the verifier's back-edge message quoted once per tool",
    'tc-clsact-qdisc-missing':
      'loaders create the clsact qdisc themselves (and fall back from TCX), so a missing qdisc reaches users only from tools without that step',
  };
  const sources = new Map<string, Set<string>>();
  for (const issue of kb.issues)
    for (const example of issue.examples) {
      const set = sources.get(issue.family) ?? new Set<string>();
      set.add(example.source.split('#')[0]!);
      sources.set(issue.family, set);
    }
  const short = [...sources]
    .filter(([family, set]) => set.size < 3 && !(family in FEWER))
    .map(([family, set]) => `${family}: ${set.size}`);
  assert.deepEqual(short, []);
});

test('no example text is repeated across entries', () => {
  const seen = new Map<string, string>();
  for (const issue of kb.issues) {
    for (const example of issue.examples) {
      assert.equal(
        seen.get(example.text),
        undefined,
        `${issue.id} repeats an example of ${seen.get(example.text)}`,
      );
      seen.set(example.text, issue.id);
    }
  }
});

test('schema/known-issue.schema.json is current (npm run schema)', () => {
  assert.equal(readFileSync(SCHEMA_PATH, 'utf8'), renderSchema());
});

test('docs/kb/ is current: one page per entry and the index (npm run docs)', () => {
  const pages = renderKbDocs(kb);
  assert.deepEqual(readdirSync(KB_DOCS_DIR).sort(), [...pages.keys()].sort());
  for (const [name, content] of pages)
    assert.equal(readFileSync(join(KB_DOCS_DIR, name), 'utf8'), content, name);
});
